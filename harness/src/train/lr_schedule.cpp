#include "train/lr_schedule.hpp"

#include <cmath>

namespace gcbench {

double learning_rate(const TrainingConfig& config, std::int64_t step, std::int64_t steps_per_epoch, std::int64_t total_steps) {
  const double warmup_steps = config.warmup_epochs * static_cast<double>(steps_per_epoch);
  if (static_cast<double>(step) < warmup_steps) {
    return config.lr * static_cast<double>(step + 1) / warmup_steps;
  }
  if (config.schedule == "step") {
    const std::int64_t epoch = step / steps_per_epoch;
    double lr = config.lr;
    for (const auto milestone : config.milestones) {
      if (epoch >= milestone) lr *= config.gamma;
    }
    return lr;
  }
  if (config.schedule == "cosine") {
    const double progress = total_steps > 0 ? static_cast<double>(step) / static_cast<double>(total_steps) : 0.0;
    return config.lr * 0.5 * (1.0 + std::cos(M_PI * progress));
  }
  return config.lr;
}

}  // namespace gcbench
