#include "train/trajectory.hpp"

#include <chrono>

#include "measure/embeddings.hpp"
#include "measure/frozen_parameters.hpp"
#include "measure/nc_metrics.hpp"

namespace gcbench {

TrajectoryRecorder::TrajectoryRecorder(Network& network, std::shared_ptr<const GcEstimator> estimator, at::Tensor gc_inputs,
                                       ImageSet nc_probe, ChannelStats stats, std::uint64_t seed)
    : network_(network),
      estimator_(std::move(estimator)),
      gc_inputs_(std::move(gc_inputs)),
      nc_probe_(std::move(nc_probe)),
      stats_(std::move(stats)),
      seed_(seed) {}

void TrajectoryRecorder::record(const TrainingProgress& progress) {
  const auto start = std::chrono::steady_clock::now();
  // compute_outputs leaves eval mode on; GC is measured with batch norm frozen too.
  const auto outputs = compute_outputs(network_, nc_probe_.images, stats_, 256, false);
  const EmbeddingFunction f = [this](const at::Tensor& x) { return network_.embedding->forward(x); };
  const auto gc = [&] {
    const FrozenParameters frozen(*network_.embedding);
    return estimator_->estimate(f, gc_inputs_, seed_);
  }();
  const auto nc = nc_metrics(outputs.embeddings, nc_probe_.labels, static_cast<std::int64_t>(nc_probe_.class_names.size()));
  network_.embedding->train();
  network_.head->train();

  TrajectoryPoint point;
  point.step = progress.step;
  point.epoch = progress.epoch;
  point.lr = progress.lr;
  point.loss = progress.loss;
  point.accuracy = progress.accuracy;
  point.gc = gc.value;
  point.gc_standard_error = gc.standard_error;
  point.nc_cdnv = nc.cdnv;
  point.nc1 = nc.nc1;
  point.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  points_.push_back(point);
}

}  // namespace gcbench
