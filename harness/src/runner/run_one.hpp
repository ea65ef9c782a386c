// One run, end to end: build, pre-train, measure; returns the run's metrics.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <stdexcept>

#include "config/run_config.hpp"
#include "runner/dataset_cache.hpp"

namespace gcbench {

class PluginRegistry;

// A run whose loss became NaN or infinite; the suite records it and goes on.
class RunDiverged : public std::runtime_error {
 public:
  RunDiverged(std::int64_t step, double loss);
  std::int64_t step() const { return step_; }

 private:
  std::int64_t step_;
};

// {"network", "training", "metrics": {"source", "target"}, "timings", ...}; checkpoints go to run_dir.
// Throws RunDiverged, PluginError, or std::exception for anything else that stops the run.
nlohmann::json run_one(const RunConfig& config, const PluginRegistry& registry, DatasetCache& datasets,
                       const std::filesystem::path& run_dir);

}  // namespace gcbench
