#include "runner/run_one.hpp"

#include <ATen/ATen.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/utils.h>

#include <chrono>
#include <cmath>
#include <string_view>

#include "data/image_batches.hpp"
#include "measure/embeddings.hpp"
#include "measure/episodes.hpp"
#include "measure/fewshot.hpp"
#include "measure/nc_metrics.hpp"
#include "measure/sampling.hpp"
#include "plugins/plugin_registry.hpp"
#include "runner/progress.hpp"
#include "runtime/device.hpp"
#include "runtime/process_usage.hpp"
#include "train/checkpoint.hpp"
#include "train/pretrain.hpp"
#include "train/trajectory.hpp"

namespace gcbench {

RunDiverged::RunDiverged(std::int64_t step, double loss)
    : std::runtime_error(fmt::format("training diverged at step {} (loss {}); lower training.lr", step, loss)),
      step_(step) {}

namespace {

// Adds each phase's wall and CPU time to the record, also when the phase throws.
class PhaseTimer {
 public:
  PhaseTimer(std::map<std::string, double>& timings, std::map<std::string, double>& cpu_timings)
      : timings_(timings), cpu_timings_(cpu_timings) {}
  template <class F>
  auto operator()(const char* phase, F&& work) {
    for (const char* measuring : {"accuracy", "embed", "nc", "fewshot"}) {
      if (std::string_view(phase) == measuring) spdlog::info("measuring: {}", phase);
    }
    struct Finish {
      std::map<std::string, double>& timings;
      std::map<std::string, double>& cpu_timings;
      const char* phase;
      std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
      double cpu_start = process_cpu_seconds();
      ~Finish() {
        timings[phase] += seconds_since(start);
        cpu_timings[phase] += process_cpu_seconds() - cpu_start;
      }
    } finish{timings_, cpu_timings_, phase};
    return work();
  }

 private:
  std::map<std::string, double>& timings_;
  std::map<std::string, double>& cpu_timings_;
};

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
  const auto nc = nc_metrics(embeddings, split.labels, static_cast<std::int64_t>(split.class_names.size()), head_weight, predicted);
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

// Episodes need `ways` target classes with shots + queries images each.
void check_fewshot_fits(const FewShotConfig& fewshot, const std::optional<ImageSet>& target) {
  if (!target) return;
  const auto classes = static_cast<std::int64_t>(target->class_names.size());
  if (fewshot.ways > classes) {
    throw std::invalid_argument(fmt::format("measure.fewshot.ways is {}, but the target split has {} classes; use at most {} ways",
                                            fewshot.ways, classes, classes));
  }
  std::int64_t most_shots = 0;
  for (const auto shots : fewshot.shots) most_shots = std::max(most_shots, shots);
  const auto smallest = at::bincount(target->labels, {}, classes).min().item<std::int64_t>();
  if (most_shots + fewshot.queries > smallest) {
    throw std::invalid_argument(fmt::format("measure.fewshot: {} shots + {} queries need {} images per target class, but the "
                                            "smallest target class has {}; lower shots or queries",
                                            most_shots, fewshot.queries, most_shots + fewshot.queries, smallest));
  }
}

// Pre-trains with SGD, recording the summary (and the trajectory) into `summary`.
void train(Network& network, const RunConfig& config, const PluginRegistry& registry, const LoadedData& data,
           const std::filesystem::path& run_dir, TrainingSummary& summary) {
  const auto& training = config.training;
  const auto seed = static_cast<std::uint64_t>(config.seed);
  TrainingHooks hooks;
  std::shared_ptr<GcEstimator> penalty;
  if (training.gc_penalty > 0) {
    penalty = registry.create_gc_estimator(training.gc_penalty_estimator.plugin, training.gc_penalty_estimator.options);
    hooks.gc_penalty = penalty.get();
  }
  std::unique_ptr<TrajectoryRecorder> trajectory;
  if (training.trajectory_every > 0) {
    const auto& train = data.source_train;
    const auto& test = data.source_test;
    const auto probe = stratified_sample(test.labels.contiguous(), training.trajectory_nc_samples, seed ^ 0x7c);
    trajectory = std::make_unique<TrajectoryRecorder>(
        network,
        registry.create_gc_estimator(training.trajectory_estimator.plugin, training.trajectory_estimator.options),
        input_batch(train.images, fixed_sample(train.images.size(0), training.trajectory_gc_samples, seed ^ 0x7a), data.stats)
            .to(device_of(network)),
        ImageSet{test.images.index_select(0, probe), test.labels.index_select(0, probe), test.class_names}, data.stats, seed);
    hooks.observe = [&trajectory](const TrainingProgress& progress) { trajectory->record(progress); };
  }
  if (training.checkpoint_every > 0) {
    hooks.epoch_end = [&](std::int64_t epoch) {
      if (epoch % training.checkpoint_every == 0) save_checkpoint(network, run_dir / fmt::format("epoch-{:03d}.pt", epoch));
    };
  }

  const auto started = std::chrono::steady_clock::now();
  ProgressLine progress(config.progress_seconds);
  double smoothed_loss = 0.0;
  hooks.step_done = [&](const StepDone& done) {
    smoothed_loss = done.step == 1 ? done.loss : 0.95 * smoothed_loss + 0.05 * done.loss;
    if (!progress.due()) return;
    const double elapsed = seconds_since(started);
    progress.update(fmt::format("train epoch {}/{} step {}/{} loss {:.4f} {:.0f} img/s ETA {}", done.epoch,
                                training.epochs, done.step, done.total_steps, smoothed_loss,
                                static_cast<double>(done.images) / elapsed,
                                eta(elapsed, static_cast<double>(done.step), static_cast<double>(done.total_steps))));
  };
  const auto trained = pretrain(network, data.source_train, data.stats, training, seed, hooks);
  progress.finish(fmt::format("trained {} steps in {}, final epoch loss {:.4f}", trained.steps,
                              format_duration(seconds_since(started)), trained.final_loss));
  summary.trained = true;
  summary.steps = trained.steps;
  summary.epochs_completed = trained.epochs_completed;
  summary.final_loss = trained.final_loss;
  summary.running_train_accuracy = trained.running_train_accuracy;
  summary.parameter_norm = trained.parameter_norm;
  if (training.gc_penalty > 0) summary.final_gc_penalty_estimate = trained.final_gc_penalty;
  if (trajectory) summary.trajectory = trajectory->points();
  if (trained.diverged_at_step) {
    summary.diverged_at_step = trained.diverged_at_step;
    throw RunDiverged(*trained.diverged_at_step, trained.final_loss);
  }
  save_checkpoint(network, run_dir / "final.pt");
  summary.checkpoint = (run_dir / "final.pt").string();
}

void train_or_restore(Network& network, const RunConfig& config, const PluginRegistry& registry, const LoadedData& data,
                      const std::filesystem::path& run_dir, const TrainedNetwork* trained, const c10::Device& device,
                      TrainingSummary& summary) {
  if (!config.training.from_checkpoint.empty()) {
    load_checkpoint(network, config.training.from_checkpoint);
    summary.from_checkpoint = config.training.from_checkpoint;
    summary.checkpoint = config.training.from_checkpoint;
    summary.parameter_norm = parameter_norm(network);
  } else if (trained) {
    load_checkpoint(network, trained->checkpoint);
    summary = trained->summary;
    summary.trained = false;
    summary.trained_in_run = trained->index;
  } else {
    move_network(network, device);
    train(network, config, registry, data, run_dir, summary);
  }
  move_network(network, device);  // a restored network was loaded on the CPU
}

}  // namespace

void run_one(const RunConfig& config, const PluginRegistry& registry, DatasetCache& datasets,
             const std::filesystem::path& run_dir, const TrainedNetwork* trained, RunRecord& record) {
  PhaseTimer timed(record.timings, record.cpu_timings);
  const auto seed = static_cast<std::uint64_t>(config.seed);
  const auto device = resolve_device(config.device);

  const auto data = timed("load_data", [&] { return datasets.get(config); });  // ~0 when an earlier run loaded it
  record.data_root = data->root.string();
  record.data_digest = data->digest;
  record.classes = SplitClasses{data->source_train.class_names,
                                data->target ? data->target->class_names : std::vector<std::string>{}};
  const auto& train = data->source_train;
  const auto num_source = static_cast<std::int64_t>(train.class_names.size());
  check_fewshot_fits(config.measure.fewshot, data->target);  // before training, not after

  Network network = timed("build", [&] {
    torch::manual_seed(seed);
    auto architecture = registry.create_architecture(config.architecture.plugin, config.architecture.options);
    return architecture->build(data->shape, num_source);
  });
  NetworkSummary built{network.embedding->dimension(), 0};
  for (const auto& p : network.embedding->parameters()) built.parameters += p.numel();
  for (const auto& p : network.head->parameters()) built.parameters += p.numel();
  record.network = built;

  timed("train", [&] { train_or_restore(network, config, registry, *data, run_dir, trained, device, record.training); });

  record.metrics.emplace();
  SourceMetrics& source = record.metrics->source;
  if (data->target) record.metrics->target.emplace();
  record.evaluated_splits = EvaluatedSplits{"source_test", data->target ? std::optional<std::string>("target") : std::nullopt,
                                            "source_train"};
  const auto batch = config.measure.batch_size;
  timed("accuracy", [&] {
    const auto n = train.images.size(0);
    const auto sample = fixed_sample(n, config.measure.accuracy_samples > 0 ? config.measure.accuracy_samples : n,
                                     seed ^ 0xacc);
    const auto on_train = compute_outputs(network, train.images.index_select(0, sample), data->stats, batch, true);
    source.train_accuracy = accuracy(on_train.logits, train.labels.index_select(0, sample));
    source.train_accuracy_examples = sample.size(0);
  });
  const auto on_test = timed("embed", [&] { return compute_outputs(network, data->source_test.images, data->stats, batch, true); });
  source.test_accuracy = accuracy(on_test.logits, data->source_test.labels);
  const auto on_target = timed("embed", [&] {
    return data->target ? compute_outputs(network, data->target->images, data->stats, batch, false) : Outputs{};
  });

  // GC on a fixed sample of source-train images, batch norm frozen (eval mode).
  const auto gc_inputs = input_batch(train.images, fixed_sample(train.images.size(0), config.measure.gc_samples, seed ^ 0x6c),
                                     data->stats).to(device);
  // GC is taken w.r.t. the standardised input the network sees; in pixels, f is
  // composed with the standardisation and differentiated at the same images in [0, 1].
  const bool in_pixels = config.measure.gc_input == "pixels";
  const auto channel = [&](const std::vector<double>& values) {
    return at::tensor(values, at::kDouble).to(gc_inputs.options()).view({1, -1, 1, 1});
  };
  const auto mean = channel(data->stats.mean), stddev = channel(data->stats.stddev);
  const EmbeddingFunction f = [&network, in_pixels, mean, stddev](const at::Tensor& x) {
    return network.embedding->forward(in_pixels ? (x - mean) / stddev : x);
  };
  const auto gc_points = in_pixels ? gc_inputs * stddev + mean : gc_inputs;
  for (const auto& choice : config.measure.gc_estimators) {
    auto estimator = registry.create_gc_estimator(choice.plugin, choice.options);
    const auto start = std::chrono::steady_clock::now();
    GcEstimate estimate;
    try {
      spdlog::info("measuring: GC with {} on {} images", choice.plugin, gc_points.size(0));
      estimate = timed("gc", [&] { return estimator->estimate(f, gc_points, seed); });
    } catch (const std::exception& error) {
      throw PluginError(fmt::format("gc_estimator plugin '{}' failed: {}", choice.plugin, error.what()));
    }
    if (!std::isfinite(estimate.value)) {
      throw PluginError(fmt::format("gc_estimator plugin '{}' returned GC = {} on a network whose training finished; "
                                    "the estimator is broken or its options (estimators.{}) do not fit this network",
                                    choice.plugin, estimate.value, choice.plugin));
    }
    source.gc[choice.plugin] = {estimate.value, estimate.standard_error, estimate.backward_passes, seconds_since(start),
                                gc_inputs.size(0)};
  }

  timed("nc", [&] {
    source.nc = nc_of(on_test.embeddings, data->source_test, network.head->weight.detach(), on_test.logits.argmax(1));
    if (data->target) record.metrics->target->nc = nc_of(on_target.embeddings, *data->target);
  });
  timed("fewshot", [&] {
    if (!data->target) return;
    const EpisodeSampler sampler(data->target->labels, seed, "target");
    const auto& fs = config.measure.fewshot;
    for (const auto shots : fs.shots) {
      const auto episodes = episode_indices(sampler, fs.ways, shots, fs.queries, fs.episodes);
      for (const auto& name : fs.classifiers) {
        const auto start = std::chrono::steady_clock::now();
        const auto result = fewshot_accuracy(on_target.embeddings, episodes, parse_classifier(name), fs.ways, shots, fs.queries);
        record.metrics->target->fewshot[name][shots] = {result.ways, result.shots,       result.queries,
                                                        fs.episodes, result.mean_accuracy, result.ci95,
                                                        result.per_episode, seconds_since(start)};
      }
    }
  });
}

}  // namespace gcbench
