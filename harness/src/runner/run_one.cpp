#include "runner/run_one.hpp"

#include <ATen/ATen.h>
#include <fmt/format.h>
#include <torch/utils.h>

#include <algorithm>
#include <chrono>
#include <numeric>
#include <random>

#include "data/image_batches.hpp"
#include "measure/embeddings.hpp"
#include "measure/episodes.hpp"
#include "measure/fewshot.hpp"
#include "measure/nc_metrics.hpp"
#include "plugins/plugin_registry.hpp"
#include "train/checkpoint.hpp"
#include "train/pretrain.hpp"
#include "train/trajectory.hpp"

namespace gcbench {
using nlohmann::json;

RunDiverged::RunDiverged(std::int64_t step, double loss)
    : std::runtime_error(fmt::format("training diverged at step {} (loss {}); lower training.lr", step, loss)),
      step_(step) {}

namespace {

class PhaseTimer {
 public:
  explicit PhaseTimer(json& timings) : timings_(timings) {}
  template <class F>
  auto operator()(const char* phase, F&& work) {
    const auto start = std::chrono::steady_clock::now();
    auto finish = [&] {
      timings_[phase] = timings_.value(phase, 0.0) +
                        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    if constexpr (std::is_void_v<decltype(work())>) {
      work();
      finish();
    } else {
      auto result = work();
      finish();
      return result;
    }
  }

 private:
  json& timings_;
};

// The first `count` indices of a permutation of [0, n) fixed by `seed`.
at::Tensor fixed_sample(std::int64_t n, std::int64_t count, std::uint64_t seed) {
  std::vector<std::int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937_64(seed));
  order.resize(std::min(n, count));
  std::sort(order.begin(), order.end());
  return at::tensor(order, at::kLong);
}

// About `count` indices, the same share from every class (at least 2 each, so
// every class has a mean and a spread), fixed by `seed`.
at::Tensor stratified_sample(const at::Tensor& labels, std::int64_t count, std::uint64_t seed) {
  const auto classes = labels.max().item<std::int64_t>() + 1;
  const auto per_class = std::max<std::int64_t>(2, count / std::max<std::int64_t>(classes, 1));
  const auto* label = labels.data_ptr<std::int64_t>();
  std::vector<std::int64_t> order(labels.size(0));
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937_64(seed));
  std::vector<std::int64_t> taken(classes, 0), chosen;
  for (const auto i : order) {
    if (taken[label[i]]++ < per_class) chosen.push_back(i);
  }
  std::sort(chosen.begin(), chosen.end());
  return at::tensor(chosen, at::kLong);
}

std::vector<std::vector<double>> rows_of(const at::Tensor& matrix) {
  const auto m = matrix.to(at::kDouble).contiguous();
  std::vector<std::vector<double>> rows;
  for (std::int64_t i = 0; i < m.size(0); ++i) rows.emplace_back(m[i].data_ptr<double>(), m[i].data_ptr<double>() + m.size(1));
  return rows;
}

// The NC family on a split; NC3 and NC4 where the split's classes are the head's.
json nc_of(const at::Tensor& embeddings, const ImageSet& split, const std::optional<at::Tensor>& head_weight = std::nullopt,
           const std::optional<at::Tensor>& predicted = std::nullopt) {
  const auto nc = nc_metrics(embeddings, split.labels, static_cast<std::int64_t>(split.class_names.size()), head_weight, predicted);
  json out = {{"cdnv", nc.cdnv},
              {"cdnv_pairwise", rows_of(nc.cdnv_pairwise)},
              {"nc1", nc.nc1},
              {"nc1_sigma_b_rank", nc.nc1_rank},
              {"nc2_equinorm", nc.nc2_equinorm},
              {"nc2_equiangularity", nc.nc2_equiangularity},
              {"nc2_etf_distance", nc.nc2_etf_distance},
              {"classes", split.class_names},
              {"examples", split.labels.size(0)}};
  if (nc.nc3) out["nc3"] = *nc.nc3;
  if (nc.nc4) out["nc4"] = *nc.nc4;
  return out;
}

json train_or_restore(Network& network, const RunConfig& config, const PluginRegistry& registry,
                      const LoadedData& data, const std::filesystem::path& run_dir) {
  const auto& training = config.training;
  if (!training.from_checkpoint.empty()) {
    load_checkpoint(network, training.from_checkpoint);
    return {{"from_checkpoint", training.from_checkpoint}, {"parameter_norm", parameter_norm(network)}};
  }
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
        input_batch(train.images, fixed_sample(train.images.size(0), training.trajectory_gc_samples, seed ^ 0x7a), data.stats),
        ImageSet{test.images.index_select(0, probe), test.labels.index_select(0, probe), test.class_names}, data.stats, seed);
    hooks.observe = [&trajectory](const TrainingProgress& progress) { trajectory->record(progress); };
  }
  if (training.checkpoint_every > 0) {
    hooks.epoch_end = [&](std::int64_t epoch) {
      if (epoch % training.checkpoint_every == 0) save_checkpoint(network, run_dir / fmt::format("epoch-{:03d}.pt", epoch));
    };
  }

  const auto trained = pretrain(network, data.source_train, data.stats, training, seed, hooks);
  if (trained.diverged_at_step) throw RunDiverged(*trained.diverged_at_step, trained.final_loss);
  save_checkpoint(network, run_dir / "final.pt");
  json out = {{"steps", trained.steps},
              {"epochs_completed", trained.epochs_completed},
              {"final_loss", trained.final_loss},
              {"running_train_accuracy", trained.running_train_accuracy},
              {"parameter_norm", trained.parameter_norm},
              {"checkpoint", (run_dir / "final.pt").string()}};
  if (training.gc_penalty > 0) out["final_gc_penalty_estimate"] = trained.final_gc_penalty;
  if (trajectory) out["trajectory"] = trajectory->points();
  return out;
}

}  // namespace

json run_one(const RunConfig& config, const PluginRegistry& registry, DatasetCache& datasets,
             const std::filesystem::path& run_dir) {
  json timings = json::object();
  PhaseTimer timed(timings);
  const auto seed = static_cast<std::uint64_t>(config.seed);

  const auto data = timed("load_data", [&] { return datasets.get(config); });  // ~0 when an earlier run loaded it
  const auto& train = data->source_train;
  const auto num_source = static_cast<std::int64_t>(train.class_names.size());

  Network network = timed("build", [&] {
    torch::manual_seed(seed);
    auto architecture = registry.create_architecture(config.architecture.plugin, config.architecture.options);
    return architecture->build(data->shape, num_source);
  });
  json out;
  out["network"] = {{"embedding_dim", network.embedding->dimension()},
                    {"parameters", [&] {
                       std::int64_t count = 0;
                       for (const auto& p : network.embedding->parameters()) count += p.numel();
                       for (const auto& p : network.head->parameters()) count += p.numel();
                       return count;
                     }()}};

  out["training"] = timed("train", [&] { return train_or_restore(network, config, registry, *data, run_dir); });

  json& source = out["metrics"]["source"];
  json& target = out["metrics"]["target"];
  const auto batch = config.measure.batch_size;
  timed("accuracy", [&] {
    const auto n = train.images.size(0);
    const auto sample = fixed_sample(n, config.measure.accuracy_samples > 0 ? config.measure.accuracy_samples : n,
                                     seed ^ 0xacc);
    const auto on_train = compute_outputs(network, train.images.index_select(0, sample), data->stats, batch, true);
    source["train_accuracy"] = accuracy(on_train.logits, train.labels.index_select(0, sample));
    source["train_accuracy_examples"] = sample.size(0);
  });
  const auto on_test = timed("embed", [&] { return compute_outputs(network, data->source_test.images, data->stats, batch, true); });
  source["test_accuracy"] = accuracy(on_test.logits, data->source_test.labels);
  const auto on_target = timed("embed", [&] {
    return data->target ? compute_outputs(network, data->target->images, data->stats, batch, false) : Outputs{};
  });

  // GC on a fixed sample of source-train images, batch norm frozen (eval mode).
  const auto gc_inputs = input_batch(train.images, fixed_sample(train.images.size(0), config.measure.gc_samples, seed ^ 0x6c),
                                     data->stats);
  const EmbeddingFunction f = [&network](const at::Tensor& x) { return network.embedding->forward(x); };
  for (const auto& choice : config.measure.gc_estimators) {
    auto estimator = registry.create_gc_estimator(choice.plugin, choice.options);
    const auto start = std::chrono::steady_clock::now();
    GcEstimate estimate;
    try {
      estimate = estimator->estimate(f, gc_inputs, seed);
    } catch (const std::exception& error) {
      throw PluginError(fmt::format("gc_estimator plugin '{}' failed: {}", choice.plugin, error.what()));
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    timings["gc"] = timings.value("gc", 0.0) + seconds;
    source["gc"][choice.plugin] = {{"value", estimate.value},
                                  {"standard_error", estimate.standard_error ? json(*estimate.standard_error) : json()},
                                  {"backward_passes", estimate.backward_passes},
                                  {"seconds", seconds},
                                  {"examples", gc_inputs.size(0)}};
  }

  timed("nc", [&] {
    source["nc"] = nc_of(on_test.embeddings, data->source_test, network.head->weight.detach(), on_test.logits.argmax(1));
    if (data->target) target["nc"] = nc_of(on_target.embeddings, *data->target);
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
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        target["fewshot"][name][std::to_string(shots)] = {{"ways", result.ways}, {"shots", result.shots},
                                                          {"queries", result.queries}, {"episodes", fs.episodes},
                                                          {"mean", result.mean_accuracy}, {"ci95", result.ci95},
                                                          {"per_episode", result.per_episode}, {"seconds", seconds}};
      }
    }
  });
  out["evaluated_splits"] = {{"source", "source_test"}, {"target", data->target ? json("target") : json()}, {"gc", "source_train"}};
  if (!data->target) out["metrics"]["target"] = nullptr;  // a source-only dataset
  out["data_root"] = data->root.string();
  out["timings"] = timings;
  return out;
}

}  // namespace gcbench
