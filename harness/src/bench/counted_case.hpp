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

// Registers `body` as case `name` (milliseconds, real time).
void register_counted_case(const std::string& name, std::function<void(benchmark::State&)> body);

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
