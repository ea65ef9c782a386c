// Pre-training f and g on the source classes: SGD with momentum (optionally
// Nesterov), a learning-rate schedule, an explicit L2 term, decoupled weight
// decay and an optional GC penalty.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "config/run_config.hpp"
#include "gcbench/sdk/architecture.hpp"
#include "gcbench/sdk/gc_estimator.hpp"

namespace gcbench {

struct TrainingProgress {
  std::int64_t step = 0;           // steps taken so far
  double epoch = 0.0;              // step / steps per epoch
  std::optional<double> loss;      // mean cross-entropy since the last report; none at step 0
  std::optional<double> accuracy;  // mean train-mode accuracy since the last report
  double lr = 0.0;                 // the learning rate of the last step
};

struct StepDone {
  std::int64_t step = 0;         // steps taken so far, from 1
  std::int64_t total_steps = 0;  // planned
  std::int64_t epoch = 0;        // the epoch in progress, from 1
  std::int64_t images = 0;       // images trained on so far
  double loss = 0.0;             // this step's cross-entropy
};

struct TrainingHooks {
  const GcEstimator* gc_penalty = nullptr;               // required when config.gc_penalty > 0
  std::function<void(const TrainingProgress&)> observe;  // at step 0 and every trajectory_every steps
  std::function<void(std::int64_t epoch)> epoch_end;     // after each completed epoch, from 1
  std::function<void(const StepDone&)> step_done;        // after every step: progress
  // Batches are made on a thread of their own when a core is spare. Off, they are
  // made on the calling thread, as one-threaded instruction counts need (under
  // valgrind the threads' hand-offs follow the host's timing, and so do their counts).
  bool batches_on_spare_core = true;
};

struct PretrainResult {
  std::int64_t steps = 0;
  std::int64_t epochs_completed = 0;
  double final_loss = 0.0;                       // mean cross-entropy over the last epoch
  double running_train_accuracy = 0.0;           // over the last epoch, in train mode
  double final_gc_penalty = 0.0;                 // mean GC estimate of the penalty over the last epoch
  double parameter_norm = 0.0;                   // ||theta||_2 of f and g at the end
  std::optional<std::int64_t> diverged_at_step;  // the loss became NaN or infinite
};

// Batches come from a permutation fixed by `seed`; the network is left in train mode.
PretrainResult pretrain(Network& network, const ImageSet& source_train, const ChannelStats& stats, const TrainingConfig& config,
                        std::uint64_t seed, const TrainingHooks& hooks = {});

double parameter_norm(Network& network);

}  // namespace gcbench
