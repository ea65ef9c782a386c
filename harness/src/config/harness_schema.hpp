// Every key a suite may set outside plugin option tables, with its type,
// default and range. `gcbench validate` and the docs are generated from this.
#pragma once

#include <string>
#include <vector>

#include "gcbench/sdk/options.hpp"

namespace gcbench {

struct HarnessKey {
  OptionSpec spec;  // spec.name is the dotted path, e.g. "training.lr"
  bool required = false;
};

const std::vector<HarnessKey>& harness_keys();

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
