// Training-step throughput of every architecture (images/s at batch 64), and the
// cost of a step with the GC penalty. Run by hand: ./build/bench_training_step
// (add --benchmark_filter=conv4 for one network). Steps go through the harness's
// own pretrain() loop, so the figures include its input handling.
#include <ATen/ATen.h>
#include <benchmark/benchmark.h>
#include <torch/utils.h>

#include "runtime/process_tuning.hpp"
#include "support/plugin_options.hpp"
#include "train/pretrain.hpp"

namespace {

using gcbench::testing::options_for;
const gcbench::PluginRegistry& registry() { return gcbench::testing::bundled_plugins(); }

void training_step(benchmark::State& state, const std::string& architecture, std::int64_t pixels, bool gc_penalty) {
  constexpr std::int64_t kBatch = 64;
  constexpr std::int64_t kSteps = 8;  // per pretrain() call, as within an epoch: the prefetch thread is started once
  gcbench::apply_threads(0);
  torch::manual_seed(0);
  gcbench::ImageSet data{at::randint(0, 256, {kBatch * kSteps, 3, pixels, pixels}, at::kByte),
                         at::randint(0, 10, {kBatch * kSteps}, at::kLong), std::vector<std::string>(10, "class")};
  const gcbench::ChannelStats stats{{0.5, 0.5, 0.5}, {0.25, 0.25, 0.25}};
  auto network = registry()
                     .create_architecture(architecture, options_for(gcbench::PluginKind::architecture, architecture))
                     ->build({3, pixels, pixels}, 10);
  auto hutchinson = registry().create_gc_estimator("hutchinson", options_for(gcbench::PluginKind::gc_estimator, "hutchinson"));

  auto config = gcbench::default_run_config().training;
  config.batch_size = kBatch;
  config.max_steps = kSteps;
  config.gc_penalty = gc_penalty ? 1e-3 : 0.0;
  config.gc_penalty_estimator.plugin = "hutchinson";
  gcbench::TrainingHooks hooks;
  hooks.gc_penalty = hutchinson.get();

  gcbench::pretrain(network, data, stats, config, 0, hooks);  // warm-up: first allocations
  for (auto _ : state) gcbench::pretrain(network, data, stats, config, 0, hooks);
  state.SetItemsProcessed(state.iterations() * kBatch * kSteps);
  state.counters["threads"] = at::get_num_threads();
}

void register_all() {
  const std::vector<std::tuple<std::string, std::int64_t, double>> networks = {
      {"conv4", 32, 2.0}, {"mlp", 32, 1.0}, {"vgg11", 32, 5.0}, {"vgg13", 32, 5.0},
      {"resnet18", 32, 5.0}, {"resnet12", 32, 5.0}, {"resnet12", 84, 10.0}};
  for (const auto& [name, pixels, min_seconds] : networks) {
    for (const bool penalty : {false, true}) {
      const auto label = name + "/3x" + std::to_string(pixels) + (penalty ? "/gc_penalty" : "/plain");
      benchmark::RegisterBenchmark(label.c_str(),
                                   [name = name, pixels = pixels, penalty](benchmark::State& state) {
                                     training_step(state, name, pixels, penalty);
                                   })
          ->Unit(benchmark::kMillisecond)
          ->MinTime(min_seconds)
          ->UseRealTime();
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  gcbench::tune_allocator();
  benchmark::Initialize(&argc, argv);
  register_all();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
