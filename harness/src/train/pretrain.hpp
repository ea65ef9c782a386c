// Pre-training f and g on the source classes with SGD and cross-entropy.
#pragma once

#include <cstdint>
#include <optional>

#include "config/run_config.hpp"
#include "gcbench/sdk/architecture.hpp"

namespace gcbench {

struct PretrainResult {
  std::int64_t steps = 0;
  std::int64_t epochs_completed = 0;
  double final_loss = 0.0;            // mean loss over the last epoch's steps
  double running_train_accuracy = 0.0;  // over the last epoch, in train mode
  std::optional<std::int64_t> diverged_at_step;  // set when the loss became NaN or infinite
};

// Batches are drawn from a permutation fixed by `seed`; the network is left in train mode.
PretrainResult pretrain(Network& network, const ImageSet& source_train, const ChannelStats& stats,
                        const TrainingConfig& config, std::uint64_t seed);

}  // namespace gcbench
