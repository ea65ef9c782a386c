#include "bench/counted_case.hpp"

#include <fmt/format.h>

#include "record/bench_file.hpp"

// Without valgrind's header (ci/setup.sh installs it) the cases still build and
// time; only `gcbench bench --instructions` then finds no counts.
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define RUNNING_ON_VALGRIND 0
#define CALLGRIND_ZERO_STATS
#define CALLGRIND_TOGGLE_COLLECT
#define CALLGRIND_START_INSTRUMENTATION
#define CALLGRIND_DUMP_STATS_AT(label) (void)(label)
#endif

namespace gcbench {

bool counting_instructions() { return RUNNING_ON_VALGRIND != 0; }

void register_counted_case(const std::string& name, std::function<void(benchmark::State&)> body, double min_seconds,
                           double warmup_seconds) {
  auto* registered = benchmark::RegisterBenchmark(name.c_str(), [name, body = std::move(body)](benchmark::State& state) {
    // Nothing before the case's first iteration counts (its set-up, the cases before it).
    if (RUNNING_ON_VALGRIND) CALLGRIND_ZERO_STATS;
    body(state);
    if (RUNNING_ON_VALGRIND) {
      const auto label = fmt::format("{}#{}", name, state.iterations());
      CALLGRIND_DUMP_STATS_AT(label.c_str());
    }
  });
  registered->Unit(benchmark::kMillisecond)->UseRealTime();
  if (counting_instructions()) return;
  if (min_seconds > 0) registered->MinTime(min_seconds);
  if (warmup_seconds > 0) registered->MinWarmUpTime(warmup_seconds);
}

std::string reported_case_name(const std::string& name) { return name + std::string(kRealTimeSuffix); }

// Callgrind starts with instrumentation off (--instr-atstart=no), which runs
// the loading of LibTorch several times faster, and turns it on at the first
// measured iteration, for good (turning it off again loses the counts).
CountedIteration::CountedIteration() {
  if (RUNNING_ON_VALGRIND) {
    static const bool instrumented = [] {
      CALLGRIND_START_INSTRUMENTATION;
      return true;
    }();
    (void)instrumented;
    CALLGRIND_TOGGLE_COLLECT;
  }
}

CountedIteration::~CountedIteration() {
  if (RUNNING_ON_VALGRIND) CALLGRIND_TOGGLE_COLLECT;
}

}  // namespace gcbench
