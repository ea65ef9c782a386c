#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <regex>
#include <set>
#include <string_view>

#include "bench/bench_cases.hpp"
#include "bench/calibration_cases.hpp"
#include "bench/counted_case.hpp"
#include "bench/instruction_counts.hpp"
#include "bench/one_name_json_reporter.hpp"
#include "bench/paired_bench.hpp"
#include "commands.hpp"
#include "record/provenance.hpp"
#include "runtime/blas_kernels.hpp"
#include "runtime/device.hpp"
#include "runtime/process_tuning.hpp"
#include "util/child_process.hpp"

namespace gcbench::cli {

namespace {

// Google Benchmark's own filter syntax: a regex, or "-regex" for all but its
// matches. A case matches by its name or by the name the output shows
// ("gc/exact/conv4/real_time"), which is what a user copies from a table.
// None, said on stderr, for a malformed one.
using CaseFilter = std::function<bool(const std::string&)>;
std::optional<CaseFilter> case_filter(const std::string& filter) {
  if (filter.empty()) return CaseFilter([](const std::string&) { return true; });
  const bool negative = filter.front() == '-';
  try {
    const std::regex pattern(negative ? filter.substr(1) : filter, std::regex::extended);
    return CaseFilter([pattern, negative](const std::string& name) {
      const bool matches = std::regex_search(name, pattern) || std::regex_search(reported_case_name(name), pattern);
      return matches != negative;
    });
  } catch (const std::regex_error& error) {
    fmt::print(stderr, "error: --filter '{}' is not a regular expression: {}\n", filter, error.what());
    return std::nullopt;
  }
}

// "^(train_step/conv4|gc/hutchinson/conv4)$": exactly these names, as a filter
// any gcbench takes, a baseline from before `--nightly` included.
std::string exact_names_filter(const std::set<std::string>& names) {
  std::vector<std::string> escaped;
  for (const auto& name : names) {
    std::string e;
    for (const char c : name) {
      if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) e += '\\';
      e += c;
    }
    escaped.push_back(std::move(e));
  }
  return fmt::format("^({})$", fmt::join(escaped, "|"));
}

// This gcbench's bench against another's, round by round, each side in its own
// process (bench/paired_bench.hpp): the other is checked before anything runs.
int paired_bench_command(const BenchArguments& arguments) {
  if (arguments.json.empty()) {
    fmt::print(stderr, "error: --against writes a paired file: give it with --json FILE\n");
    return 2;
  }
  if (arguments.list) {
    fmt::print(stderr, "error: --list and --against: list each side's cases with its own `gcbench bench --list`\n");
    return 2;
  }
  PairedBenchOptions options;
  options.contender.gcbench = this_executable();
  options.contender.plugin_folders = arguments.plugin_folders;
  options.baseline.gcbench = std::filesystem::absolute(arguments.against);
  options.baseline.plugin_folders = arguments.against_plugin_folders;
  options.rounds = arguments.rounds;
  options.out = arguments.json;
  if (arguments.nightly) {
    // This gcbench says which cases are the nightly's, by name, so that a baseline
    // that predates the flag runs the same ones.
    const auto filter = case_filter(arguments.filter);
    if (!filter) return 2;
    std::set<std::string> names;
    register_bench_cases(discover_plugins(arguments.plugin_folders), [&](const std::string& name, bool nightly) {
      if (nightly && (*filter)(name)) names.insert(name);
      return false;  // named, not registered
    });
    if (names.empty()) {
      fmt::print(stderr, "error: no nightly case matched --filter '{}'; `gcbench bench --list --nightly` lists them\n",
                 arguments.filter);
      return 2;
    }
    options.bench_arguments.push_back("--filter=" + exact_names_filter(names));
  } else if (!arguments.filter.empty()) {
    options.bench_arguments.push_back("--filter=" + arguments.filter);
  }
  options.bench_arguments.push_back(fmt::format("--min-time={}", arguments.min_time));
  options.bench_arguments.push_back(fmt::format("--warmup={}", arguments.warmup));
  options.bench_arguments.push_back(fmt::format("--threads={}", arguments.threads));
  options.bench_arguments.push_back("--device=" + arguments.device);
  try {
    check_pairable(gcbench_identity(), probe_gcbench(options.baseline.gcbench), options.baseline.gcbench);
  } catch (const AgainstRefused& refused) {
    fmt::print(stderr, "error: {}\n", refused.what());
    return 2;
  }
  fmt::print(stderr, "paired bench: baseline {}, contender {} (this one), {} rounds\n", options.baseline.gcbench.string(),
             options.contender.gcbench.string(), options.rounds);
  run_paired_bench(options);
  fmt::print(stderr, "paired benchmark JSON: {} (judge it with `gcbench compare {}`)\n", arguments.json, arguments.json);
  return 0;
}

// This gcbench's cases again, under callgrind (bench/instruction_counts.hpp).
int instruction_bench_command(const BenchArguments& arguments) {
  if (arguments.json.empty()) {
    fmt::print(stderr, "error: --instructions writes its counts to a file: give it with --json FILE\n");
    return 2;
  }
  if (!arguments.against.empty() || arguments.list || arguments.device != "cpu") {
    fmt::print(stderr,
               "error: --instructions counts this gcbench's cases on the CPU alone: leave out --against, --list "
               "and --device\n");
    return 2;
  }
  InstructionBenchOptions options;
  options.gcbench = this_executable();
  options.out = arguments.json;
  options.filter = arguments.filter;
  for (const auto& folder : arguments.plugin_folders) options.plugin_arguments.push_back("--plugin-path=" + folder);
  fmt::print(stderr, "counting instructions under callgrind: one process a case, its iteration ~50 times slower than natively\n");
  run_instruction_bench(options);
  fmt::print(stderr, "instruction counts: {}\n", arguments.json);
  return 0;
}

}  // namespace

int bench_command(const BenchArguments& arguments) {
  if (arguments.instructions) return instruction_bench_command(arguments);
  // Times taken with fallback kernels say more about the BLAS's CPU table than about gcbench.
  if (const auto advice = blas_kernel_advice(); !advice.empty()) fmt::print(stderr, "warning: {}\n", advice);
  if (!arguments.against.empty()) return paired_bench_command(arguments);
  const auto registry = discover_plugins(arguments.plugin_folders);
  const int threads = apply_threads(arguments.threads);

  const auto filter = case_filter(arguments.filter);
  if (!filter) return 2;
  std::set<std::string> matched;
  const auto wanted = [&](const std::string& name, bool nightly) {
    const bool accepted = (*filter)(name) && (nightly || !arguments.nightly);
    if (accepted) matched.insert(name);
    return accepted;
  };
  if (arguments.device == "auto") {
    fmt::print(stderr, "error: --device takes \"cpu\", \"cuda\" or \"cuda:N\": a benchmark names where it ran\n");
    return 2;
  }
  if (const auto problem = device_problem(arguments.device); !problem.empty()) {
    fmt::print(stderr, "error: --device: {}\n", problem);
    return 2;
  }
  const auto device = resolve_device(arguments.device);
  for (const auto& line : register_bench_cases(registry, wanted, device, arguments.min_time, arguments.warmup))
    fmt::print(stderr, "left out: {}\n", line);
  for (const auto& name : calibration_case_names()) wanted(name, true);  // `--filter calibration` runs them alone
  if (matched.empty()) {
    fmt::print(stderr, "no benchmark matched --filter '{}'{}; `gcbench bench --list` lists them\n", arguments.filter,
               arguments.nightly ? " among the nightly's cases" : "");
    return 1;
  }
  // Every timed file carries the calibration, whatever the filter: it is what the other cases are normalised by.
  // Counts need no normalising for the machine's speed, and under callgrind the calibration would be most of
  // the run (its GEMM and convolution take ~50 s there).
  if (!counting_instructions()) register_calibration_cases(device);
  add_bench_context(registry, threads, device);

  std::vector<std::string> flags = {"gcbench bench", fmt::format("--benchmark_repetitions={}", arguments.repetitions),
                                    fmt::format("--benchmark_min_time={}", arguments.min_time),
                                    fmt::format("--benchmark_min_warmup_time={}", arguments.warmup)};
  // Written under a temporary name and renamed when the session ends: an interrupted bench leaves no file
  // under the name a reader (compare, history add) takes for a whole session's.
  const std::string partial = arguments.json + ".partial";
  if (!arguments.json.empty()) {
    std::filesystem::remove(partial);
    flags.push_back("--benchmark_out=" + partial);
    flags.push_back("--benchmark_out_format=json");
  }
  if (arguments.list) flags.push_back("--benchmark_list_tests=true");
  if (arguments.repetitions > 1) {
    // The terminal gets the aggregates; the JSON keeps every repetition, which compare tests.
    flags.push_back("--benchmark_display_aggregates_only=true");
    // Repetitions of all cases in random order: drift during the session (a
    // neighbour's load, clock changes) spreads over every case's repetitions
    // instead of shifting one case's median, which the test would take for a change.
    flags.push_back("--benchmark_enable_random_interleaving=true");
  }
  std::vector<char*> argv;
  for (auto& flag : flags) argv.push_back(flag.data());
  int argc = static_cast<int>(argv.size());
  benchmark::Initialize(&argc, argv.data());
  OneNameJsonReporter json_reporter;
  benchmark::RunSpecifiedBenchmarks(nullptr, arguments.json.empty() ? nullptr : &json_reporter);
  benchmark::Shutdown();
  if (!arguments.json.empty()) {
    std::filesystem::rename(partial, arguments.json);
    fmt::print(stderr, "benchmark JSON: {}\n", arguments.json);
  }
  return 0;
}

}  // namespace gcbench::cli
