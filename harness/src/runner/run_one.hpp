// One run, end to end: build, pre-train (or restore), measure, into the run's record.
#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>

#include "config/run_config.hpp"
#include "record/run_record.hpp"
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

// A network an earlier run of the results folder trained, with the same
// training identity: a later run measures its checkpoint instead of training.
struct TrainedNetwork {
  std::size_t index = 0;             // the plan index of the run that trained it
  std::filesystem::path checkpoint;  // its final.pt
  TrainingSummary summary;           // as that run recorded it
};

// Builds the network; trains it, or restores `trained` or training.from_checkpoint;
// then measures GC, NC and few-shot transfer. Fills `record`'s network, training,
// metrics, evaluated_splits, data_root and timings as each phase ends, so a run
// that stops part-way keeps what it measured. Checkpoints go to run_dir.
// Throws RunDiverged, PluginError, DatasetUnavailable, or std::exception for anything else that stops the run.
void run_one(const RunConfig& config, const PluginRegistry& registry, DatasetCache& datasets,
             const std::filesystem::path& run_dir, const TrainedNetwork* trained, RunRecord& record);

}  // namespace gcbench
