// `gcbench bench --instructions`: the cases' instruction counts under
// valgrind's callgrind, which repeat on one binary and input however busy the
// machine is, where wall time on a shared machine moves by several percent
// between two processes. Each chosen case runs in a callgrind process of its
// own, for one iteration on one thread (a second thread's spin-waits would
// count too); only that iteration is instrumented and collected
// (bench/counted_case.hpp), so the case's set-up runs at native speed. It
// cannot see what costs time without costing instructions: cache misses and
// memory bandwidth, threads' contention, a slower kernel library at the same
// instruction count, sleeping.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace gcbench {

struct InstructionBenchOptions {
  std::filesystem::path gcbench;              // the executable to run under callgrind (this one)
  std::string filter;                         // `gcbench bench --filter`: the cases counted ("": all)
  std::vector<std::string> plugin_arguments;  // its --plugin-path arguments
  std::filesystem::path out;                  // the file; OUT.callgrind/ holds callgrind's dumps while it runs
};

// Writes a Google Benchmark file whose rows carry "instructions" (callgrind's Ir
// per iteration) and whose context says "gcbench_instructions". Throws
// std::runtime_error naming valgrind when it is absent or the run fails.
void run_instruction_bench(const InstructionBenchOptions& options);

// Callgrind's dumps in `folder`, by case: the instructions per iteration of each
// dump named "<case>#<iterations>" (its totals over its iterations).
std::map<std::string, double> read_callgrind_dumps(const std::filesystem::path& folder);

}  // namespace gcbench
