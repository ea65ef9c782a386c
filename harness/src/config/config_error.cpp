#include "config/config_error.hpp"

namespace gcbench {
namespace {
std::string join(const std::vector<ConfigIssue>& issues) {
  std::string text;
  for (const auto& issue : issues) {
    if (!text.empty()) text += '\n';
    text += issue.where + ": " + issue.message;
  }
  return text;
}
}  // namespace

ConfigError::ConfigError(std::vector<ConfigIssue> issues) : std::runtime_error(join(issues)), issues_(std::move(issues)) {}

}  // namespace gcbench
