// One run's configuration as typed values, read from a planned run's JSON.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "gcbench/sdk/options.hpp"

namespace gcbench {

class PluginRegistry;

struct PluginChoice {
  std::string plugin;
  Options options;
};

struct TrainingConfig {
  std::int64_t epochs = 1;
  std::int64_t max_steps = 0;  // 0: no limit
  std::int64_t batch_size = 64;
  double lr = 0.05;
  double momentum = 0.9;
  bool nesterov = false;
  bool augment = false;         // random crop (4-pixel padding) and horizontal flip; never for measurement
  std::string schedule = "constant";  // constant, step, cosine
  std::vector<std::int64_t> milestones;
  double gamma = 0.1;
  double warmup_epochs = 0.0;
  double l2 = 0.0;              // loss += l2 * ||theta||^2
  double weight_decay = 5e-4;   // decoupled: theta *= 1 - lr * weight_decay
  double gc_penalty = 0.0;      // loss += gc_penalty * GC estimate
  PluginChoice gc_penalty_estimator;
  std::int64_t trajectory_every = 0;
  std::int64_t trajectory_gc_samples = 32;
  PluginChoice trajectory_estimator;
  std::int64_t trajectory_nc_samples = 500;
  std::int64_t checkpoint_every = 0;
  std::string from_checkpoint;
};

struct FewShotConfig {
  std::int64_t ways = 5;
  std::vector<std::int64_t> shots{1, 5};
  std::int64_t queries = 15;
  std::int64_t episodes = 600;
  std::vector<std::string> classifiers{"ncm", "ncm_cosine", "linear_probe"};
};

struct MeasureConfig {
  std::vector<PluginChoice> gc_estimators;
  std::int64_t gc_samples = 128;
  std::int64_t accuracy_samples = 0;  // 0: all of source-train
  std::int64_t batch_size = 256;
  FewShotConfig fewshot;
};

struct RunConfig {
  std::int64_t seed = 0;
  PluginChoice dataset;
  std::string dataset_root;  // empty: $GCBENCH_DATA/<plugin>, else the plugin's default
  PluginChoice architecture;
  TrainingConfig training;
  MeasureConfig measure;
  std::int64_t threads = 0;  // 0: all cores
};

// `config` must come from a validated suite; option types follow each plugin's declaration.
RunConfig to_run_config(const nlohmann::json& config, const PluginRegistry& registry);

}  // namespace gcbench
