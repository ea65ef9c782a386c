// Suite problems, each located in its file (path:line:column) or on the command line.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace gcbench {

struct ConfigIssue {
  std::string where;    // "suites/x.toml:12:7", or "--set training.lr=..."
  std::string message;  // what is wrong and what to do
};

class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<ConfigIssue> issues);
  const std::vector<ConfigIssue>& issues() const { return issues_; }

 private:
  std::vector<ConfigIssue> issues_;
};

}  // namespace gcbench
