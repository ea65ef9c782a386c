// Every key a suite may set outside plugin option tables, declared once: its
// type, default, range and help, and where its value lands in a RunConfig.
// Validation, `gcbench keys`, default_run_config and to_run_config all read
// this table, so a new key is one line in harness_schema.cpp and a field in
// RunConfig.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

#include "gcbench/sdk/options.hpp"

namespace gcbench {

struct RunConfig;

struct HarnessKey {
  OptionSpec spec;  // spec.name is the dotted path, e.g. "training.lr"
  bool required = false;
  // Stores a checked value in its RunConfig field; empty for keys that shape
  // the suite rather than a run (suite.*).
  std::function<void(RunConfig&, const OptionValue&)> assign;
  // The gcbench version that changed this key's default, when one did. A run
  // id leaves out values at their default (config/run_identity.hpp); a key
  // whose default changed always enters it, so a run made under the old
  // default keeps an id of its own. Set it, never clear it, when a default changes.
  std::string default_since;
};

const std::vector<HarnessKey>& harness_keys();
const HarnessKey* find_harness_key(const std::string& dotted_key);  // nullptr if there is none

// "training.lr" -> the JSON pointer "/training/lr".
nlohmann::json::json_pointer key_pointer(const std::string& dotted_key);

// The tables whose keys are a plugin's options rather than harness keys.
// "estimators" holds one table per estimator name.
inline constexpr const char* kDatasetOptions = "dataset.options";
inline constexpr const char* kArchitectureOptions = "architecture.options";
inline constexpr const char* kEstimatorOptions = "estimators";
inline constexpr const char* kSweep = "sweep";
// Top-level structure: files merged under this one, named variants of the whole
// suite, and zipped sweep lists ([[sweep.zip]]).
inline constexpr const char* kInclude = "include";
inline constexpr const char* kVariants = "variants";
inline constexpr const char* kZip = "zip";

}  // namespace gcbench
