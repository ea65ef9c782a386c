#include "measure/measure_network.hpp"

#include <ATen/ATen.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>

#include "data/image_batches.hpp"
#include "measure/embeddings.hpp"
#include "measure/episodes.hpp"
#include "measure/fewshot.hpp"
#include "measure/frozen_parameters.hpp"
#include "measure/nc_metrics.hpp"
#include "measure/sampling.hpp"
#include "plugins/plugin_registry.hpp"
#include "util/progress.hpp"

namespace gcbench {

namespace {

std::vector<std::vector<double>> rows_of(const at::Tensor& matrix) {
  const auto m = matrix.to(at::kCPU, at::kDouble).contiguous();
  std::vector<std::vector<double>> rows;
  for (std::int64_t i = 0; i < m.size(0); ++i) rows.emplace_back(m[i].data_ptr<double>(), m[i].data_ptr<double>() + m.size(1));
  return rows;
}

// The NC family on a split; NC3 and NC4 where the split's classes are the head's.
NcMeasurement nc_of(const at::Tensor& embeddings, const ImageSet& split,
                    const std::optional<at::Tensor>& head_weight = std::nullopt,
                    const std::optional<at::Tensor>& predicted = std::nullopt) {
  const auto nc =
      nc_metrics(embeddings, split.labels, static_cast<std::int64_t>(split.class_names.size()), head_weight, predicted);
  NcMeasurement out;
  out.cdnv = nc.cdnv;
  out.cdnv_pairwise = rows_of(nc.cdnv_pairwise);
  out.nc1 = nc.nc1;
  out.nc1_sigma_b_rank = nc.nc1_rank;
  out.nc2_equinorm = nc.nc2_equinorm;
  out.nc2_equiangularity = nc.nc2_equiangularity;
  out.nc2_etf_distance = nc.nc2_etf_distance;
  out.nc3 = nc.nc3;
  out.nc4 = nc.nc4;
  out.classes = split.class_names;
  out.examples = split.labels.size(0);
  return out;
}

// GC on a fixed sample of source-train images, batch norm frozen (eval mode).
void measure_gc(Network& network, const MeasureInputs& in, PhaseTimer& timed, SourceMetrics& source) {
  const auto& train = in.data.source_train;
  const auto sample = fixed_sample(train.images.size(0), in.config.gc_samples, stream_seed(in.seed, SampleStream::gc));
  const auto gc_inputs = input_batch(train.images, sample, in.data.stats).to(in.device);
  // GC is taken w.r.t. the standardised input the network sees; in pixels, f is
  // composed with the standardisation and differentiated at the same images in [0, 1].
  const bool in_pixels = in.config.gc_input == "pixels";
  const auto channel = [&](const std::vector<double>& values) {
    return at::tensor(values, at::kDouble).to(gc_inputs.options()).view({1, -1, 1, 1});
  };
  const auto mean = channel(in.data.stats.mean), stddev = channel(in.data.stats.stddev);
  const EmbeddingFunction f = [&network, in_pixels, mean, stddev](const at::Tensor& x) {
    return network.embedding->forward(in_pixels ? (x - mean) / stddev : x);
  };
  const auto gc_points = in_pixels ? gc_inputs * stddev + mean : gc_inputs;
  const FrozenParameters frozen(*network.embedding);
  for (const auto& named : in.gc_estimators) {
    const std::string& name = named.name;
    const auto start = std::chrono::steady_clock::now();
    GcEstimate estimate;
    try {
      spdlog::info("measuring: GC with {} on {} images", name, gc_points.size(0));
      estimate = timed("gc", [&] { return named.estimator->estimate(f, gc_points, in.seed); });
    } catch (const std::exception& error) {
      throw PluginError(fmt::format("gc_estimator plugin '{}' failed: {}", name, error.what()));
    }
    if (!std::isfinite(estimate.value)) {
      throw PluginError(
          fmt::format("gc_estimator plugin '{}' returned GC = {} on a network whose training finished; "
                      "the estimator is broken or its options (estimators.{}) do not fit this network",
                      name, estimate.value, name));
    }
    source.gc[name] = {estimate.value, estimate.standard_error, estimate.backward_passes, seconds_since(start),
                       gc_inputs.size(0)};
  }
}

void measure_fewshot(const at::Tensor& embeddings, const ImageSet& target, const MeasureInputs& in, TargetMetrics& out) {
  const EpisodeSampler sampler(target.labels, in.seed, "target");
  const auto& fs = in.config.fewshot;
  for (const auto shots : fs.shots) {
    const auto episodes = episode_indices(sampler, fs.ways, shots, fs.queries, fs.episodes);
    for (const auto& name : fs.classifiers) {
      const auto start = std::chrono::steady_clock::now();
      const auto result = fewshot_accuracy(embeddings, episodes, parse_classifier(name), fs.ways, shots, fs.queries);
      out.fewshot[name][shots] = {result.ways,          result.shots, result.queries,     fs.episodes,
                                  result.mean_accuracy, result.ci95,  result.per_episode, seconds_since(start)};
    }
  }
}

}  // namespace

void check_fewshot_fits(const FewShotConfig& fewshot, const std::optional<ImageSet>& target) {
  if (!target) return;
  const auto classes = static_cast<std::int64_t>(target->class_names.size());
  if (fewshot.ways > classes) {
    throw std::invalid_argument(fmt::format(
        "measure.fewshot.ways is {}, but the target split has {} classes; use at most {} ways", fewshot.ways, classes, classes));
  }
  std::int64_t most_shots = 0;
  for (const auto shots : fewshot.shots) most_shots = std::max(most_shots, shots);
  const auto smallest = at::bincount(target->labels, {}, classes).min().item<std::int64_t>();
  if (most_shots + fewshot.queries > smallest) {
    throw std::invalid_argument(
        fmt::format("measure.fewshot: {} shots + {} queries need {} images per target class, but the "
                    "smallest target class has {}; lower shots or queries",
                    most_shots, fewshot.queries, most_shots + fewshot.queries, smallest));
  }
}

void measure_network(Network& network, const MeasureInputs& in, PhaseTimer& timed, Metrics& metrics) {
  const auto& data = in.data;
  const auto& train = data.source_train;
  const auto batch = in.config.batch_size;
  SourceMetrics& source = metrics.source;
  if (data.target && !metrics.target) metrics.target.emplace();
  timed("accuracy", [&] {
    const auto n = train.images.size(0);
    const auto sample = fixed_sample(n, in.config.accuracy_samples > 0 ? in.config.accuracy_samples : n,
                                     stream_seed(in.seed, SampleStream::accuracy));
    const auto on_train = compute_outputs(network, train.images.index_select(0, sample), data.stats, batch, true);
    source.train_accuracy = accuracy(on_train.logits, train.labels.index_select(0, sample));
    source.train_accuracy_examples = sample.size(0);
  });
  const auto on_test = timed("embed", [&] { return compute_outputs(network, data.source_test.images, data.stats, batch, true); });
  source.test_accuracy = accuracy(on_test.logits, data.source_test.labels);
  const auto on_target = timed(
      "embed", [&] { return data.target ? compute_outputs(network, data.target->images, data.stats, batch, false) : Outputs{}; });

  measure_gc(network, in, timed, source);

  timed("nc", [&] {
    source.nc = nc_of(on_test.embeddings, data.source_test, network.head->weight.detach(), on_test.logits.argmax(1));
    if (data.target) metrics.target->nc = nc_of(on_target.embeddings, *data.target);
  });
  timed("fewshot", [&] {
    if (data.target) measure_fewshot(on_target.embeddings, *data.target, in, *metrics.target);
  });
}

}  // namespace gcbench
