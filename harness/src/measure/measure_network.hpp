// The measurement pipeline of a run, on a trained network: on the source
// classes train and test accuracy, GC (each estimator) and the NC family with
// the head; on the novel target classes the NC family and n-way k-shot
// accuracy. `gcbench run` and `gcbench bench` measure through it.
#pragma once

#include <c10/core/Device.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "config/run_config.hpp"
#include "data/loaded_data.hpp"
#include "gcbench/sdk/architecture.hpp"
#include "gcbench/sdk/gc_estimator.hpp"
#include "record/run_record.hpp"
#include "runtime/phase_timer.hpp"

namespace gcbench {

struct NamedGcEstimator {
  std::string name;  // the plugin's, the key of the record's source.gc
  std::shared_ptr<GcEstimator> estimator;
};

struct MeasureInputs {
  const LoadedData& data;
  const MeasureConfig& config;
  std::uint64_t seed;  // the run's; each sample draws from its SampleStream of it
  c10::Device device;  // where the network is
  std::vector<NamedGcEstimator> gc_estimators;
};

// Fills `metrics` as each measurement ends, so a run that fails part-way keeps
// what it measured; each phase's time goes to `timed` (accuracy, embed, gc, nc,
// fewshot). Throws PluginError naming the estimator that throws or returns a
// non-finite GC, std::invalid_argument when the few-shot episodes do not fit
// the target split.
void measure_network(Network& network, const MeasureInputs& inputs, PhaseTimer& timed, Metrics& metrics);

// Throws std::invalid_argument when the target split cannot give `fewshot`'s
// episodes (too few classes, or images per class); a run checks this before training.
void check_fewshot_fits(const FewShotConfig& fewshot, const std::optional<ImageSet>& target);

}  // namespace gcbench
