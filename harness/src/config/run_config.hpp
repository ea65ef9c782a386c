// One run's configuration as typed values. Defaults and ranges are declared
// once, in the key table (config/harness_schema.cpp); default_run_config()
// gives a RunConfig holding every default.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "gcbench/sdk/options.hpp"

namespace gcbench {

struct PluginChoice {
  std::string plugin;
  Options options;
};

struct TrainingConfig {
  std::int64_t epochs{};
  std::int64_t max_steps{};  // 0: no limit
  std::int64_t batch_size{};
  double lr{};
  double momentum{};
  bool nesterov{};
  bool augment{};        // random crop (4-pixel padding) and horizontal flip; never for measurement
  std::string schedule;  // constant, step, cosine
  std::vector<std::int64_t> milestones;
  double gamma{};
  double warmup_epochs{};
  double l2{};                       // loss += l2 * ||theta||^2
  double weight_decay{};             // decoupled: theta *= 1 - lr * weight_decay
  double gc_penalty{};               // loss += gc_penalty * GC estimate
  std::int64_t gc_penalty_probes{};  // random probes per step of an estimator that estimates on the forward pass; 0: its own
  PluginChoice gc_penalty_estimator;
  std::int64_t trajectory_every{};
  std::int64_t trajectory_gc_samples{};
  PluginChoice trajectory_estimator;
  std::int64_t trajectory_nc_samples{};
  std::int64_t checkpoint_every{};
  std::string from_checkpoint;
};

struct FewShotConfig {
  std::int64_t ways{};
  std::vector<std::int64_t> shots;
  std::int64_t queries{};
  std::int64_t episodes{};
  std::vector<std::string> classifiers;
};

struct MeasureConfig {
  std::vector<PluginChoice> gc_estimators;
  std::int64_t gc_samples{};
  std::string gc_input;             // "standardised" or "pixels"
  std::int64_t accuracy_samples{};  // 0: all of source-train
  std::int64_t batch_size{};
  FewShotConfig fewshot;
};

struct RunConfig {
  std::int64_t seed{};
  PluginChoice dataset;
  std::string dataset_root;  // empty: $GCBENCH_DATA/<plugin>, else the plugin's default
  PluginChoice architecture;
  TrainingConfig training;
  MeasureConfig measure;
  std::int64_t threads{};     // 0: all cores
  std::string device;         // "auto", "cpu", "cuda" or "cuda:N"; see runtime/device.hpp
  double progress_seconds{};  // between progress lines in a log
};

// The declared options of each plugin a suite names, by the table that holds
// them: "dataset.options", "architecture.options", "estimators.<name>".
// Validation fills it, so a planned run's options need no second look-up.
using PluginOptionSpecs = std::map<std::string, std::vector<OptionSpec>>;

// Every harness key at its default; plugins unnamed, without options.
RunConfig default_run_config();

// `config` is a planned run's resolved JSON, from a validated suite whose
// plugins declared `specs`. Throws std::invalid_argument naming a key or option
// that does not fit its declaration.
RunConfig to_run_config(const nlohmann::json& config, const PluginOptionSpecs& specs);

// Every option `specs` declares: the given value, checked, or its default.
Options options_from_json(const nlohmann::json& given, const std::vector<OptionSpec>& specs, const std::string& where);

}  // namespace gcbench
