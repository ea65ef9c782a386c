#include "config/config_difference.hpp"

#include <map>

namespace gcbench {
using nlohmann::json;

namespace {

void flatten(const json& value, const std::string& prefix, std::map<std::string, json>& out) {
  if (value.is_object() && !value.empty()) {
    for (const auto& [key, inner] : value.items()) flatten(inner, prefix.empty() ? key : prefix + "." + key, out);
  } else if (!prefix.empty()) {
    out[prefix] = value;
  }
}

std::map<std::string, json> flattened(const json& config) {
  std::map<std::string, json> out;
  if (config.is_object()) flatten(config, "", out);
  return out;
}

}  // namespace

std::vector<ConfigKeyDifference> config_differences(const json& first, const json& second) {
  const auto a = flattened(first);
  const auto b = flattened(second);
  std::vector<ConfigKeyDifference> out;
  auto left = a.begin();
  auto right = b.begin();
  while (left != a.end() || right != b.end()) {
    if (right == b.end() || (left != a.end() && left->first < right->first)) {
      out.push_back({left->first, left->second, std::nullopt});
      ++left;
    } else if (left == a.end() || right->first < left->first) {
      out.push_back({right->first, std::nullopt, right->second});
      ++right;
    } else {
      if (left->second != right->second) out.push_back({left->first, left->second, right->second});
      ++left;
      ++right;
    }
  }
  return out;
}

}  // namespace gcbench
