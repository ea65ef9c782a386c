// How every `gcbench bench` case is registered, so that the same cases give
// wall time (Google Benchmark) and, under valgrind's callgrind, instruction
// counts (`gcbench bench --instructions`): each iteration of a case's loop is
// a CountedIteration, the only code callgrind collects, and when the case
// returns its counts are dumped under "<case>#<iterations>". Outside valgrind
// both are a branch on a constant.
#pragma once

#include <benchmark/benchmark.h>

#include <functional>
#include <string>

namespace gcbench {

// Registers `body` as case `name` (milliseconds, real time). A `min_seconds`
// above 0 is the case's own time a repetition, over --min-time's, and a
// `warmup_seconds` above 0 its own unmeasured time before the first, over
// --warmup's (Google Benchmark takes a case's own warm-up only beside its own
// time). Neither applies under callgrind, where one iteration is what is counted.
void register_counted_case(const std::string& name, std::function<void(benchmark::State&)> body, double min_seconds = 0,
                           double warmup_seconds = 0);

// The name such a case is printed and written under: "<name>/real_time".
std::string reported_case_name(const std::string& name);

// True inside `gcbench bench --instructions`'s child, which runs under valgrind.
bool counting_instructions();

// One measured iteration: `for (auto _ : state) { CountedIteration counted; ... }`.
class CountedIteration {
 public:
  CountedIteration();
  ~CountedIteration();
  CountedIteration(const CountedIteration&) = delete;
  CountedIteration& operator=(const CountedIteration&) = delete;
};

}  // namespace gcbench
