#include "runner/run_one.hpp"

#include <ATen/ATen.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/utils.h>

#include <chrono>

#include "data/image_batches.hpp"
#include "measure/measure_network.hpp"
#include "measure/sampling.hpp"
#include "plugins/plugin_registry.hpp"
#include "runtime/device.hpp"
#include "runtime/phase_timer.hpp"
#include "train/checkpoint.hpp"
#include "train/pretrain.hpp"
#include "train/trajectory.hpp"
#include "util/progress.hpp"

namespace gcbench {

RunDiverged::RunDiverged(std::int64_t step, double loss)
    : std::runtime_error(fmt::format("training diverged at step {} (loss {}); lower training.lr", step, loss)), step_(step) {}

namespace {

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
    const auto probe = stratified_sample(test.labels.contiguous(), training.trajectory_nc_samples,
                                         stream_seed(seed, SampleStream::trajectory_nc));
    trajectory = std::make_unique<TrajectoryRecorder>(
        network, registry.create_gc_estimator(training.trajectory_estimator.plugin, training.trajectory_estimator.options),
        input_batch(
            train.images,
            fixed_sample(train.images.size(0), training.trajectory_gc_samples, stream_seed(seed, SampleStream::trajectory_gc)),
            data.stats)
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
    progress.update(fmt::format("train epoch {}/{} step {}/{} loss {:.4f} {:.0f} img/s ETA {}", done.epoch, training.epochs,
                                done.step, done.total_steps, smoothed_loss, static_cast<double>(done.images) / elapsed,
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
  record.data_sources = data->sources;
  record.classes =
      SplitClasses{data->source_train.class_names, data->target ? data->target->class_names : std::vector<std::string>{}};
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

  std::vector<NamedGcEstimator> estimators;
  for (const auto& choice : config.measure.gc_estimators) {
    estimators.push_back({choice.plugin, registry.create_gc_estimator(choice.plugin, choice.options)});
  }
  record.metrics.emplace();
  record.evaluated_splits =
      EvaluatedSplits{"source_test", data->target ? std::optional<std::string>("target") : std::nullopt, "source_train"};
  measure_network(network, MeasureInputs{*data, config.measure, seed, device, std::move(estimators)}, timed, *record.metrics);
}

}  // namespace gcbench
