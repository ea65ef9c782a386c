// Measurement costs: every GC estimator at batch 64 on mlp, conv4 and resnet18
// (time, and relative error against exact as a counter), the exact estimator's
// schedules (images x copies a pass) and a loop of single VJPs, the NC family on 100k x 512 embeddings, and 600 five-shot
// episodes per classifier. Run by hand: ./build/bench_measurement
#include <ATen/ATen.h>
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/utils.h>

#include <cmath>
#include <map>

#include "bench/bench_cases.hpp"
#include "gcbench/sdk/architecture.hpp"
#include "gcbench/sdk/gc_estimator.hpp"
#include "measure/episodes.hpp"
#include "measure/fewshot.hpp"
#include "measure/nc_metrics.hpp"
#include "runtime/process_tuning.hpp"
#include "support/plugin_options.hpp"

namespace {

const gcbench::PluginRegistry& registry() { return gcbench::testing::bundled_plugins(); }
gcbench::Options options(gcbench::PluginKind kind, const std::string& name,
                         std::map<std::string, gcbench::OptionValue> given = {}) {
  return gcbench::testing::options_for(kind, name, std::move(given));
}

struct Model {
  gcbench::Network network;
  at::Tensor inputs;
  double exact = 0.0;
};

// One network per architecture, in eval mode, with its exact GC on a fixed batch.
Model& model(const std::string& architecture) {
  static std::map<std::string, Model> models;
  auto found = models.find(architecture);
  if (found != models.end()) return found->second;
  torch::manual_seed(0);
  Model m{registry()
              .create_architecture(architecture, options(gcbench::PluginKind::architecture, architecture))
              ->build({3, 32, 32}, 10),
          at::randn({64, 3, 32, 32}), 0.0};
  m.network.embedding->eval();
  auto& stored = models.emplace(architecture, std::move(m)).first->second;
  const gcbench::EmbeddingFunction f = [&stored](const at::Tensor& x) { return stored.network.embedding->forward(x); };
  stored.exact = registry()
                     .create_gc_estimator("exact", options(gcbench::PluginKind::gc_estimator, "exact"))
                     ->estimate(f, stored.inputs, 0)
                     .value;
  return stored;
}

void estimator(benchmark::State& state, const std::string& architecture, const std::string& name,
               std::map<std::string, gcbench::OptionValue> given) {
  gcbench::apply_threads(0);
  auto& m = model(architecture);
  auto plugin = registry().create_gc_estimator(name, options(gcbench::PluginKind::gc_estimator, name, given));
  const gcbench::EmbeddingFunction f = [&m](const at::Tensor& x) { return m.network.embedding->forward(x); };
  double error = 0.0, passes = 0.0;
  std::uint64_t seed = 0;
  for (auto _ : state) {
    const auto estimate = plugin->estimate(f, m.inputs, seed++);
    error += std::abs(estimate.value - m.exact) / m.exact;
    passes = static_cast<double>(estimate.backward_passes);
  }
  state.counters["rel_error"] = error / static_cast<double>(state.iterations());
  state.counters["backward_passes"] = passes;
}

// The exact estimator's schedule: `images` of the batch, each pass carrying
// `copies` of them (images_per_pass lifted, so the copies are exactly those
// asked): what the exact plugin's images_per_pass default is read from.
void exact_schedule(benchmark::State& state, const std::string& architecture, std::int64_t images, std::int64_t copies) {
  gcbench::apply_threads(0);
  auto& m = model(architecture);
  const auto inputs = m.inputs.slice(0, 0, images);
  auto plugin = registry().create_gc_estimator(
      "exact", options(gcbench::PluginKind::gc_estimator, "exact",
                       {{"directions_per_pass", copies}, {"images_per_pass", std::int64_t{1} << 30}}));
  const gcbench::EmbeddingFunction f = [&m](const at::Tensor& x) { return m.network.embedding->forward(x); };
  for (auto _ : state) benchmark::DoNotOptimize(plugin->estimate(f, inputs, 0).value);
  state.SetItemsProcessed(state.iterations() * images);
}

// The baselines batching is measured against: one VJP per output direction,
// each after its own forward pass (as a loop of vjp calls does), or all sharing one.
void single_vjp_loop(benchmark::State& state, const std::string& architecture, bool shared_forward) {
  gcbench::apply_threads(0);
  auto& m = model(architecture);
  for (auto _ : state) {
    auto x = m.inputs.detach().requires_grad_(true);
    auto y = m.network.embedding->forward(x);
    at::Tensor total = at::zeros({}, at::kDouble);
    for (std::int64_t d = 0; d < y.size(1); ++d) {
      if (!shared_forward && d > 0) {
        x = m.inputs.detach().requires_grad_(true);
        y = m.network.embedding->forward(x);
      }
      const auto seed = at::one_hot(at::full({y.size(0)}, d, at::kLong), y.size(1)).to(y.scalar_type());
      total += torch::autograd::grad({y}, {x}, {seed}, /*retain_graph=*/shared_forward)[0].to(at::kDouble).pow(2).sum();
    }
    benchmark::DoNotOptimize(total);
  }
}

void nc_family(benchmark::State& state) {
  gcbench::apply_threads(0);
  const std::int64_t n = 100000, dim = 512, classes = 64;
  const auto labels = at::arange(classes, at::kLong).repeat({n / classes + 1}).slice(0, 0, n);
  const auto embeddings = at::randn({n, dim}) + at::randn({classes, dim}).index_select(0, labels);
  for (auto _ : state) benchmark::DoNotOptimize(gcbench::nc_metrics(embeddings, labels, classes).nc1);
  state.SetItemsProcessed(state.iterations() * n);
}

void episodes(benchmark::State& state, gcbench::FewShotClassifier classifier) {
  gcbench::apply_threads(0);
  const auto labels = at::arange(20, at::kLong).repeat({600});
  const auto embeddings = at::randn({12000, 512}) + 2 * at::randn({20, 512}).index_select(0, labels);
  const gcbench::EpisodeSampler sampler(labels, 0, "target");
  for (auto _ : state) {
    const auto indices = gcbench::episode_indices(sampler, 5, 5, 15, 600);
    benchmark::DoNotOptimize(gcbench::fewshot_accuracy(embeddings, indices, classifier, 5, 5, 15).mean_accuracy);
  }
}

void register_all() {
  using Given = std::map<std::string, gcbench::OptionValue>;
  const std::vector<std::tuple<std::string, std::string, Given>> estimators = {
      {"exact", "directions_per_pass=1", {{"directions_per_pass", std::int64_t{1}}}},
      {"exact", "directions_per_pass=4", {{"directions_per_pass", std::int64_t{4}}}},
      {"exact", "directions_per_pass=8", {{"directions_per_pass", std::int64_t{8}}}},
      {"hutchinson", "probes=8", {}},
      {"hutchinson", "probes=32", {{"probes", std::int64_t{32}}}},
      {"output_sampling", "outputs=8", {}},
      {"output_sampling", "outputs=32", {{"outputs", std::int64_t{32}}}},
      {"sampled",
       "examples=0.25,entries=0.5,outputs=16",
       {{"example_fraction", 0.25}, {"entry_fraction", 0.5}, {"outputs", std::int64_t{16}}}}};
  for (const std::string architecture : {"mlp", "conv4", "resnet18"}) {
    for (const auto& [name, label, given] : estimators) {
      benchmark::RegisterBenchmark(
          ("gc/" + architecture + "/" + name + "/" + label).c_str(),
          [architecture, name = name, given = given](benchmark::State& s) { estimator(s, architecture, name, given); })
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime()
          ->Iterations(architecture == "conv4" ? 5 : 1);
    }
    for (const std::int64_t images : {1, 4, 16, 64}) {
      if (architecture == "resnet18" && images > 16) continue;  // minutes an estimate
      for (const std::int64_t copies : {1, 2, 4, 8, 16}) {
        benchmark::RegisterBenchmark(
            fmt::format("gc/{}/exact/images={},copies={}", architecture, images, copies).c_str(),
            [architecture, images, copies](benchmark::State& s) { exact_schedule(s, architecture, images, copies); })
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime()
            ->MinTime(1.0);
      }
    }
    for (const bool shared : {false, true}) {
      benchmark::RegisterBenchmark(
          ("gc/" + architecture + (shared ? "/single_vjp_loop_shared_forward" : "/single_vjp_loop")).c_str(),
          [architecture, shared](benchmark::State& s) { single_vjp_loop(s, architecture, shared); })
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime()
          ->Iterations(1);
    }
  }
  benchmark::RegisterBenchmark("nc/100k_x_512_64_classes", nc_family)->Unit(benchmark::kMillisecond)->UseRealTime();
  for (const auto classifier :
       {gcbench::FewShotClassifier::ncm, gcbench::FewShotClassifier::ncm_cosine, gcbench::FewShotClassifier::linear_probe}) {
    benchmark::RegisterBenchmark(("fewshot/600_episodes_5way_5shot/" + gcbench::to_string(classifier)).c_str(),
                                 [classifier](benchmark::State& s) { episodes(s, classifier); })
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  }
}

}  // namespace

int main(int argc, char** argv) {
  gcbench::tune_allocator();
  benchmark::Initialize(&argc, argv);
  gcbench::add_bench_context(gcbench::testing::bundled_plugins(), gcbench::apply_threads(0));
  register_all();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
