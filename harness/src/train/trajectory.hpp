// GC and NC along training (the paper's Fig. 1): at each report, the network is
// measured in eval mode on fixed probe sets, then put back in train mode.
#pragma once

#include <memory>
#include <vector>

#include "gcbench/sdk/architecture.hpp"
#include "gcbench/sdk/gc_estimator.hpp"
#include "record/run_record.hpp"
#include "train/pretrain.hpp"

namespace gcbench {

class TrajectoryRecorder {
 public:
  // gc_inputs: normalised source-train images; nc_probe: source-test images and labels.
  TrajectoryRecorder(Network& network, std::shared_ptr<const GcEstimator> estimator, at::Tensor gc_inputs, ImageSet nc_probe,
                     ChannelStats stats, std::uint64_t seed);

  void record(const TrainingProgress& progress);

  const std::vector<TrajectoryPoint>& points() const { return points_; }

 private:
  Network& network_;
  std::shared_ptr<const GcEstimator> estimator_;
  at::Tensor gc_inputs_;
  ImageSet nc_probe_;
  ChannelStats stats_;
  std::uint64_t seed_;
  std::vector<TrajectoryPoint> points_;
};

}  // namespace gcbench
