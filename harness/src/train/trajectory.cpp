#include "train/trajectory.hpp"

#include <chrono>

#include "measure/nc_metrics.hpp"
#include "measure/embeddings.hpp"

namespace gcbench {
using nlohmann::json;

TrajectoryRecorder::TrajectoryRecorder(Network& network, std::shared_ptr<const GcEstimator> estimator,
                                       at::Tensor gc_inputs, ImageSet nc_probe, ChannelStats stats, std::uint64_t seed)
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
  const auto gc = estimator_->estimate(f, gc_inputs_, seed_);
  const auto nc = nc_metrics(outputs.embeddings, nc_probe_.labels, static_cast<std::int64_t>(nc_probe_.class_names.size()));
  network_.embedding->train();
  network_.head->train();

  points_.push_back({{"step", progress.step},
                     {"epoch", progress.epoch},
                     {"lr", progress.lr},
                     {"loss", progress.loss ? json(*progress.loss) : json()},
                     {"accuracy", progress.accuracy ? json(*progress.accuracy) : json()},
                     {"gc", gc.value},
                     {"gc_standard_error", gc.standard_error ? json(*gc.standard_error) : json()},
                     {"nc_cdnv", nc.cdnv},
                     {"nc1", nc.nc1},
                     {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()}});
}

}  // namespace gcbench
