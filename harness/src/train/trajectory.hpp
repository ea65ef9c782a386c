// GC and NC along training (the paper's Fig. 1): at each report, the network is
// measured in eval mode on fixed probe sets, then put back in train mode.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>

#include "gcbench/sdk/architecture.hpp"
#include "gcbench/sdk/gc_estimator.hpp"
#include "train/pretrain.hpp"

namespace gcbench {

class TrajectoryRecorder {
 public:
  // gc_inputs: normalised source-train images; nc_probe: source-test images and labels.
  TrajectoryRecorder(Network& network, std::shared_ptr<const GcEstimator> estimator, at::Tensor gc_inputs,
                     ImageSet nc_probe, ChannelStats stats, std::uint64_t seed);

  void record(const TrainingProgress& progress);

  // [{"step", "epoch", "lr", "loss", "accuracy", "gc", "gc_standard_error", "nc_cdnv", "nc1", "seconds"}, ...]
  const nlohmann::json& points() const { return points_; }

 private:
  Network& network_;
  std::shared_ptr<const GcEstimator> estimator_;
  at::Tensor gc_inputs_;
  ImageSet nc_probe_;
  ChannelStats stats_;
  std::uint64_t seed_;
  nlohmann::json points_ = nlohmann::json::array();
};

}  // namespace gcbench
