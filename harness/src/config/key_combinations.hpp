// Rules across several suite keys: what no one key's range can say. Each rule
// is checked over every value the sweep gives its keys, so a suite that plans
// a run its trainer would refuse is refused before any run starts.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "config/sweep.hpp"

namespace gcbench {

struct KeyCombinationProblem {
  std::string key;      // the dotted key to report it at, e.g. "training.momentum"
  std::string message;  // names every key of the rule and says what to change
};

// `base`: the resolved harness keys as nested tables ({"training": {"momentum": 0.9}}).
std::vector<KeyCombinationProblem> key_combination_problems(const nlohmann::json& base, const std::vector<SweepAxis>& sweep);

}  // namespace gcbench
