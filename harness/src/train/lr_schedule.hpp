// The learning rate at each SGD step: constant, step decay or cosine, after an
// optional linear warm-up.
#pragma once

#include <cstdint>

#include "config/run_config.hpp"

namespace gcbench {

// `step` counts from 0; `total_steps` is the length of training (for cosine).
double learning_rate(const TrainingConfig& config, std::int64_t step, std::int64_t steps_per_epoch, std::int64_t total_steps);

}  // namespace gcbench
