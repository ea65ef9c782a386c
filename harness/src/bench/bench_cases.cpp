#include "bench/bench_cases.hpp"

#include <ATen/ATen.h>
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <torch/utils.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <thread>

#include "bench/counted_case.hpp"
#include "bench/flop_count.hpp"
#include "config/run_config.hpp"
#include "measure/episodes.hpp"
#include "measure/fewshot.hpp"
#include "measure/frozen_parameters.hpp"
#include "measure/measure_network.hpp"
#include "measure/nc_metrics.hpp"
#include "record/provenance.hpp"
#include "runner/dataset_cache.hpp"
#include "runtime/blas_kernels.hpp"
#include "runtime/device.hpp"
#include "train/pretrain.hpp"

namespace gcbench {
namespace {

// What the nightly's paired bench makes of a case (bench_cases.hpp says which and why).
enum class NightlyRole {
  left_out,      // not run (`bench --nightly` leaves it out)
  runs,          // run at --min-time
  speed_target,  // run at least kTargetMinSeconds a repetition
};

constexpr std::int64_t kBatch = 64;
constexpr std::int64_t kStepsPerIteration = 2;

Options defaults_of(const PluginRegistry& registry, PluginKind kind, const std::string& name) {
  std::map<std::string, OptionValue> values;
  for (const auto& spec : registry.find(kind, name).info.options) values.emplace(spec.name, spec.default_value);
  return Options(std::move(values));
}

// The first input shape of a dataset gcbench ships that the architecture builds
// and runs on: CIFAR's, Fashion-MNIST's, then mini-ImageNet's.
struct Built {
  Network network;
  ImageShape shape;
};
std::optional<Built> build_for_some_dataset(const Architecture& architecture) {
  for (const ImageShape shape : {ImageShape{3, 32, 32}, ImageShape{1, 28, 28}, ImageShape{3, 84, 84}}) {
    try {
      torch::manual_seed(0);
      auto network = architecture.build(shape, 10);
      network.embedding->eval();
      torch::NoGradGuard no_grad;
      network.head->forward(network.embedding->forward(at::randn({2, shape.channels, shape.height, shape.width})));
      return Built{network, shape};
    } catch (const std::exception&) {
    }
  }
  return std::nullopt;
}

std::string shape_text(const ImageShape& s) { return fmt::format("{}x{}x{}", s.channels, s.height, s.width); }

void training_steps(benchmark::State& state, const PluginRegistry& registry, const std::string& architecture, bool penalty,
                    c10::Device device, std::int64_t batch = kBatch) {
  const auto plugin = registry.create_architecture(architecture, defaults_of(registry, PluginKind::architecture, architecture));
  auto built = build_for_some_dataset(*plugin);
  if (!built) {
    state.SkipWithError("builds on none of 3x32x32, 1x28x28, 3x84x84");
    return;
  }
  move_network(built->network, device);  // batches are made on the CPU and go where the network is
  const auto& shape = built->shape;
  torch::manual_seed(0);
  const ImageSet data{at::randint(0, 256, {batch * kStepsPerIteration, shape.channels, shape.height, shape.width}, at::kByte),
                      at::randint(0, 10, {batch * kStepsPerIteration}, at::kLong), std::vector<std::string>(10, "class")};
  const ChannelStats stats{std::vector<double>(static_cast<std::size_t>(shape.channels), 0.5),
                           std::vector<double>(static_cast<std::size_t>(shape.channels), 0.25)};
  auto config = default_run_config().training;
  config.batch_size = batch;
  config.max_steps = kStepsPerIteration;
  TrainingHooks hooks;
  hooks.batches_on_spare_core = !counting_instructions();  // a count is one thread's, the same every time
  std::shared_ptr<GcEstimator> hutchinson;
  if (penalty) {
    hutchinson = registry.create_gc_estimator("hutchinson", defaults_of(registry, PluginKind::gc_estimator, "hutchinson"));
    config.gc_penalty = 1e-3;
    config.gc_penalty_estimator.plugin = "hutchinson";
    hooks.gc_penalty = hutchinson.get();
  }
  pretrain(built->network, data, stats, config, 0, hooks);  // warm-up: first allocations
  for (auto _ : state) {
    CountedIteration counted;
    pretrain(built->network, data, stats, config, 0, hooks);
  }
  state.SetItemsProcessed(state.iterations() * batch * kStepsPerIteration);
  state.SetLabel(shape_text(shape));
  // For side-by-side references (tests/benchmarks/pytorch_reference) to check they build the same network.
  std::int64_t parameters = 0;
  for (const auto& p : built->network.embedding->parameters()) parameters += p.numel();
  for (const auto& p : built->network.head->parameters()) parameters += p.numel();
  state.counters["parameters"] = static_cast<double>(parameters);
}

// Exact GC is bound by its convolutions: its GFLOP/s against the same network's
// forward pass on the same replicated batch (the best these convolutions run
// here), so a slower kernel path shows as a lower fraction. The estimate's
// FLOPs: one forward of the replicated batch and, per backward pass, about as
// many again (only input gradients are taken).
void report_exact_throughput(benchmark::State& state, Network& network, const at::Tensor& inputs, std::int64_t passes) {
  const auto dimension = network.embedding->dimension();
  const auto copies = (dimension + passes - 1) / passes;  // the copies of the batch each of its passes carried
  const auto replicated = inputs.repeat({copies, 1, 1, 1});
  torch::NoGradGuard no_grad;
  const double forward = count_flops([&] { network.embedding->forward(replicated); });
  const auto start = std::chrono::steady_clock::now();
  int forwards = 0;
  do {
    network.embedding->forward(replicated);
    ++forwards;
  } while (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < 0.5);
  const double forward_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / forwards;
  const double flops = forward * static_cast<double>(1 + passes);
  state.counters["gflop_per_estimate"] = flops * 1e-9;
  state.counters["gflops"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["forward_gflops"] = forward * 1e-9 / forward_seconds;
}

void gc_estimate(benchmark::State& state, const PluginRegistry& registry, const std::string& estimator,
                 const std::string& architecture, std::int64_t images, c10::Device device) {
  torch::manual_seed(0);
  auto network = registry.create_architecture(architecture, defaults_of(registry, PluginKind::architecture, architecture))
                     ->build({3, 32, 32}, 10);
  network.embedding->eval();
  move_network(network, device);
  const auto inputs = at::randn({images, 3, 32, 32}).to(device);
  const auto plugin = registry.create_gc_estimator(estimator, defaults_of(registry, PluginKind::gc_estimator, estimator));
  const EmbeddingFunction f = [&network](const at::Tensor& x) { return network.embedding->forward(x); };
  const FrozenParameters frozen(*network.embedding);  // as measure_gc measures
  // Warm-up, as the training cases and the Python reference have (first allocations, and
  // whatever a plugin does once); its time is kept apart as first_estimate_ms.
  const auto first_start = std::chrono::steady_clock::now();
  plugin->estimate(f, inputs, 0);
  state.counters["first_estimate_ms"] =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - first_start).count();
  std::uint64_t seed = 0;
  std::int64_t passes = 0;
  for (auto _ : state) {
    CountedIteration counted;
    const auto estimate = plugin->estimate(f, inputs, seed++);
    passes = estimate.backward_passes;
    benchmark::DoNotOptimize(estimate.value);
  }
  state.SetItemsProcessed(state.iterations() * images);
  state.counters["backward_passes"] = static_cast<double>(passes);
  if (estimator == "exact") report_exact_throughput(state, network, inputs, passes);
}

// Opening the dataset reads and decodes its files (or its decoded cache, where the plugin keeps one).
void data_load(benchmark::State& state, const PluginRegistry& registry, const std::string& name) {
  std::int64_t images = 0;
  for (auto _ : state) {
    CountedIteration counted;
    const auto dataset =
        registry.create_dataset(name, resolve_data_root("", name), defaults_of(registry, PluginKind::dataset, name));
    images = dataset->load(SplitRole::source_train).images.size(0);
  }
  state.SetItemsProcessed(state.iterations() * images);
}

void nc_family(benchmark::State& state, c10::Device device, std::int64_t n = 100000, std::int64_t dim = 512,
               std::int64_t classes = 64) {
  torch::manual_seed(0);
  const auto labels = at::arange(classes, at::kLong).repeat({n / classes + 1}).slice(0, 0, n);
  const auto embeddings = (at::randn({n, dim}) + at::randn({classes, dim}).index_select(0, labels)).to(device);
  for (auto _ : state) {
    CountedIteration counted;
    benchmark::DoNotOptimize(nc_metrics(embeddings, labels, classes).nc1);
  }
  state.SetItemsProcessed(state.iterations() * n);
}

void episodes(benchmark::State& state, FewShotClassifier classifier, c10::Device device, std::int64_t count = 600,
              std::int64_t per_class = 600, std::int64_t dim = 512) {
  torch::manual_seed(0);
  const auto labels = at::arange(20, at::kLong).repeat({per_class});
  const auto embeddings = (at::randn({20 * per_class, dim}) + 2 * at::randn({20, dim}).index_select(0, labels)).to(device);
  const EpisodeSampler sampler(labels, 0, "target");
  for (auto _ : state) {
    CountedIteration counted;
    const auto indices = episode_indices(sampler, 5, 5, 15, count);
    benchmark::DoNotOptimize(fewshot_accuracy(embeddings, indices, classifier, 5, 5, 15).mean_accuracy);
  }
  state.SetItemsProcessed(state.iterations() * count);
}

// A run's whole measurement, as `gcbench run` measures (measure_network), on a
// fresh conv4 and random images of CIFAR's shape: 10 source classes, 5 target
// classes; a suite's default measurement (exact and Hutchinson GC on 128
// images, 600 few-shot episodes per shot count and classifier).
void measurement(benchmark::State& state, const PluginRegistry& registry, c10::Device device) {
  torch::manual_seed(0);
  const auto images = [](std::int64_t classes, std::int64_t per_class) {
    const auto labels = at::arange(classes, at::kLong).repeat_interleave(per_class);
    return ImageSet{at::randint(0, 256, {classes * per_class, 3, 32, 32}, at::kByte), labels,
                    std::vector<std::string>(static_cast<std::size_t>(classes), "class")};
  };
  LoadedData data{{3, 32, 32}, {{0.5, 0.5, 0.5}, {0.25, 0.25, 0.25}}, images(10, 50), images(10, 20), images(5, 40), {}, {}};
  auto network =
      registry.create_architecture("conv4", defaults_of(registry, PluginKind::architecture, "conv4"))->build(data.shape, 10);
  move_network(network, device);
  const auto config = default_run_config();
  std::map<std::string, double> wall, cpu;
  PhaseTimer timed(wall, cpu);
  for (auto _ : state) {
    CountedIteration counted;
    std::vector<NamedGcEstimator> estimators;
    for (const auto& choice : config.measure.gc_estimators) {
      estimators.push_back({choice.plugin, registry.create_gc_estimator(
                                               choice.plugin, defaults_of(registry, PluginKind::gc_estimator, choice.plugin))});
    }
    Metrics metrics;
    measure_network(network, MeasureInputs{data, config.measure, 0, device, std::move(estimators)}, timed, metrics);
    benchmark::DoNotOptimize(metrics.source.test_accuracy);
  }
  state.SetItemsProcessed(state.iterations());
  for (const auto& [phase, seconds] : wall) {
    state.counters[phase + "_seconds"] = benchmark::Counter(seconds, benchmark::Counter::kAvgIterations);
  }
}

bool has(const PluginRegistry& registry, PluginKind kind, const std::string& name) {
  for (const auto& plugin : registry.plugins()) {
    if (plugin.info.kind == kind && plugin.info.name == name) return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> register_bench_cases(const PluginRegistry& registry, const WantedCase& wanted, c10::Device device,
                                              double min_time, double warmup) {
  std::vector<std::string> left_out;
  const auto add = [&](const std::string& name, std::function<void(benchmark::State&)> body,
                       NightlyRole role = NightlyRole::runs) {
    if (!wanted(name, role != NightlyRole::left_out)) return;
    const bool floor = role == NightlyRole::speed_target && (kTargetMinSeconds > min_time || kTargetWarmupSeconds > warmup);
    if (!floor) return register_counted_case(name, std::move(body));
    register_counted_case(name, std::move(body), std::max(min_time, kTargetMinSeconds), std::max(warmup, kTargetWarmupSeconds));
  };
  const auto& plugins = registry.plugins();
  for (const auto& plugin : plugins) {
    const auto& name = plugin.info.name;
    if (plugin.info.kind == PluginKind::architecture) {
      add(
          "train_step/" + name,
          [&registry, name, device](benchmark::State& s) { training_steps(s, registry, name, false, device); },
          name == "conv4" ? NightlyRole::speed_target : NightlyRole::runs);
    }
  }
  for (const std::string network : {"conv4", "resnet18"}) {
    if (has(registry, PluginKind::architecture, network) && has(registry, PluginKind::gc_estimator, "hutchinson")) {
      add(
          "train_step_gc_penalty/" + network,
          [&registry, network, device](benchmark::State& s) { training_steps(s, registry, network, true, device); },
          network == "resnet18" ? NightlyRole::left_out : NightlyRole::runs);
    }
  }
  // Images per estimate: a batch on mlp and conv4; fewer on the large networks, whose 512 or 640 outputs make exact
  // GC cost minutes a batch. The nightly leaves resnet12 and vgg13 out: the estimators run the same code on resnet18.
  struct GcNetwork {
    std::string name;
    std::int64_t images;
    bool nightly;
  };
  const std::vector<GcNetwork> gc_networks = {
      {"mlp", 64, true}, {"conv4", 64, true}, {"resnet18", 4, true}, {"resnet12", 4, false}, {"vgg13", 4, false}};
  for (const auto& plugin : plugins) {
    if (plugin.info.kind != PluginKind::gc_estimator) continue;
    for (const auto& [network, images, nightly] : gc_networks) {
      const std::string& estimator = plugin.info.name;
      const std::string case_name = "gc/" + estimator + "/" + network;
      auto role = NightlyRole::runs;
      if (!nightly || (estimator == "exact" && network == "resnet18") || (estimator == "sampled" && network != "mlp")) {
        role = NightlyRole::left_out;
      } else if (estimator == "hutchinson" && network == "conv4") {
        role = NightlyRole::speed_target;
      }
      if (!has(registry, PluginKind::architecture, network)) {
        if (wanted(case_name, role != NightlyRole::left_out)) {
          left_out.push_back(case_name + ": no architecture plugin '" + network + "'");
        }
        continue;
      }
      add(
          case_name,
          [&registry, estimator, network = network, images = images, device](benchmark::State& s) {
            gc_estimate(s, registry, estimator, network, images, device);
          },
          role);
    }
  }
  for (const auto& plugin : plugins) {
    if (plugin.info.kind != PluginKind::dataset) continue;
    const std::string case_name = "data_load/" + plugin.info.name;
    if (!wanted(case_name, true)) continue;
    try {
      auto dataset = registry.create_dataset(plugin.info.name, resolve_data_root("", plugin.info.name),
                                             defaults_of(registry, PluginKind::dataset, plugin.info.name));
      dataset->load(SplitRole::source_test);  // is the data there? (also warms any decode cache)
      add(case_name, [&registry, name = plugin.info.name](benchmark::State& s) { data_load(s, registry, name); });
    } catch (const std::exception& error) {
      left_out.push_back(fmt::format("{}: no data ({})", case_name, error.what()));
    }
  }
  if (has(registry, PluginKind::architecture, "conv4") && has(registry, PluginKind::gc_estimator, "exact") &&
      has(registry, PluginKind::gc_estimator, "hutchinson")) {
    add(
        "measure/conv4", [&registry, device](benchmark::State& s) { measurement(s, registry, device); }, NightlyRole::left_out);
  }
  add("nc/100k_x_512", [device](benchmark::State& s) { nc_family(s, device); });
  for (const auto classifier : {FewShotClassifier::ncm, FewShotClassifier::ncm_cosine, FewShotClassifier::linear_probe}) {
    add("fewshot/600_episodes_5way_5shot/" + to_string(classifier),
        [classifier, device](benchmark::State& s) { episodes(s, classifier, device); });
  }
  // The same work made small enough for `gcbench bench --instructions` (a minute or less under
  // callgrind; train_step/conv4 at batch 64 alone took over 6): what the nightly counts.
  for (const std::string network : {"mlp", "conv4"}) {
    if (!has(registry, PluginKind::architecture, network)) continue;
    add("small/train_step/" + network + "/batch8",
        [&registry, network, device](benchmark::State& s) { training_steps(s, registry, network, false, device, 8); });
  }
  if (has(registry, PluginKind::architecture, "conv4") && has(registry, PluginKind::gc_estimator, "hutchinson")) {
    add("small/gc/hutchinson/conv4/4_images",
        [&registry, device](benchmark::State& s) { gc_estimate(s, registry, "hutchinson", "conv4", 4, device); });
  }
  add("small/nc/2k_x_64", [device](benchmark::State& s) { nc_family(s, device, 2000, 64, 16); });
  add("small/fewshot/60_episodes_5way_5shot/ncm",
      [device](benchmark::State& s) { episodes(s, FewShotClassifier::ncm, device, 60, 30, 64); });
  return left_out;
}

void add_bench_context(const PluginRegistry& registry, int threads, c10::Device device) {
  const auto revision = git_revision();
  const bool dirty = revision.size() > 6 && revision.compare(revision.size() - 6, 6, "-dirty") == 0;
  benchmark::AddCustomContext("gcbench_version", gcbench_version());
  benchmark::AddCustomContext("git_revision", revision);
  benchmark::AddCustomContext("git_dirty", dirty ? "true" : "false");
  benchmark::AddCustomContext("cpu_model", cpu_model());
  benchmark::AddCustomContext("cores", std::to_string(std::thread::hardware_concurrency()));
  benchmark::AddCustomContext("threads", std::to_string(threads));
  benchmark::AddCustomContext("libtorch_version", libtorch_version());
  benchmark::AddCustomContext("libtorch_cuda_version", libtorch_build().cuda_version);
  benchmark::AddCustomContext("blas", blas_library());
  benchmark::AddCustomContext("blas_kernels", blas_kernels());
  benchmark::AddCustomContext("cpu_isa", cpu_isa());
  benchmark::AddCustomContext("math_libraries", fmt::format("{}", fmt::join(math_libraries(), ", ")));
  benchmark::AddCustomContext("thread_environment", fmt::format("{}", fmt::join(thread_environment(), " ")));
  benchmark::AddCustomContext("allocator", allocator_name());
  benchmark::AddCustomContext("compiler", compiler_version());
  benchmark::AddCustomContext("device", device_name(device));
  benchmark::AddCustomContext("device_model", device_model(device));
  for (const auto& plugin : registry.plugins()) {
    benchmark::AddCustomContext(fmt::format("plugin.{}.{}", to_string(plugin.info.kind), plugin.info.name),
                                fmt::format("{} sha256:{}", plugin.info.version, plugin.sha256));
  }
}

}  // namespace gcbench
