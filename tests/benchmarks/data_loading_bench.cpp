// mini-ImageNet loading: 2,000 generated 84x84 JPEGs (20 per class, the real
// class lists) decoded on every core without the cache, decoded and written to
// the cache, and read back from the cache. Run by hand: ./build/bench_data_loading
#include <benchmark/benchmark.h>

#include "bench/bench_cases.hpp"
#include "gcbench/sdk/dataset.hpp"
#include "runtime/process_tuning.hpp"
#include "support/fixtures.hpp"
#include "support/plugin_options.hpp"

namespace {
namespace fs = std::filesystem;

const gcbench::PluginRegistry& registry() { return gcbench::testing::bundled_plugins(); }

const fs::path& folder() {
  static gcbench::testing::TempDir dir("gcbench-bench-mini");
  static const bool written = (gcbench::testing::write_mini_imagenet_fixture(dir / "mini", 20), true);
  (void)written;
  static const fs::path root = dir / "mini";
  return root;
}

gcbench::Options options(bool cache) {
  return gcbench::testing::options_for(
      gcbench::PluginKind::dataset, "mini_imagenet",
      {{"images_per_class", std::int64_t{20}}, {"holdout_per_class", std::int64_t{5}}, {"cache", cache}});
}

// Every split loaded once: 2,000 images.
void load_all(bool cache) {
  auto dataset = registry().create_dataset("mini_imagenet", folder(), options(cache));
  for (const auto role : dataset->splits()) benchmark::DoNotOptimize(dataset->load(role).images.data_ptr());
}

void decode_without_cache(benchmark::State& state) {
  for (auto _ : state) load_all(false);
  state.SetItemsProcessed(state.iterations() * 2000);
}

void decode_and_write_cache(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    fs::remove_all(folder() / ".gcbench-cache");
    state.ResumeTiming();
    load_all(true);
  }
  state.SetItemsProcessed(state.iterations() * 2000);
}

void read_from_cache(benchmark::State& state) {
  load_all(true);  // make sure the cache exists
  for (auto _ : state) load_all(true);
  state.SetItemsProcessed(state.iterations() * 2000);
}

}  // namespace

BENCHMARK(decode_without_cache)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(decode_and_write_cache)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(read_from_cache)->Unit(benchmark::kMillisecond)->UseRealTime();

int main(int argc, char** argv) {
  gcbench::tune_allocator();
  gcbench::apply_threads(0);
  benchmark::Initialize(&argc, argv);
  gcbench::add_bench_context(gcbench::testing::bundled_plugins(), gcbench::apply_threads(0));
  folder();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
