// What differs between two resolved configs, key by key: for resume and merge
// (does a folder still belong to its suite?) and for compare (do two folders
// ask the same things?).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace gcbench {

struct ConfigKeyDifference {
  std::string key;                      // dotted, e.g. "training.lr"
  std::optional<nlohmann::json> first;  // nullopt: the key is absent on that side
  std::optional<nlohmann::json> second;
};

// The keys whose values differ, sorted by key. Tables are followed down to
// their keys; a list is one value.
std::vector<ConfigKeyDifference> config_differences(const nlohmann::json& first, const nlohmann::json& second);

}  // namespace gcbench
