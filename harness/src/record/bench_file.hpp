// A Google Benchmark JSON file (`gcbench bench --json`), read once for every
// reader (compare, history): each benchmark's repetitions in seconds.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gcbench {

struct BenchRepetitions {
  std::vector<double> real_time;  // seconds, one per repetition
  std::vector<double> cpu_time;
  std::vector<double> instructions;  // per iteration, in a file of `gcbench bench --instructions`
  std::string error;                 // Google Benchmark's error_message, when a repetition failed

  // real_time or cpu_time, by the statistic's name ("cpu_time", else real time).
  const std::vector<double>& times(const std::string& statistic) const { return statistic == "cpu_time" ? cpu_time : real_time; }
};

// What a paired file (`gcbench bench --against OTHER`) adds: the baseline's
// side of every round. Repetition i of a case, on either side, is round i, and
// the two sides of a round ran back to back on the same machine.
struct PairedBaseline {
  std::string binary;      // the baseline's gcbench, as given to --against
  nlohmann::json context;  // its Google Benchmark context (revision, LibTorch, plugins)
  std::map<std::string, BenchRepetitions> benchmarks;
  std::vector<std::string> first;  // per round, which side ran first: "baseline" or "contender"
};

struct BenchFile {
  std::string content;  // the file as read, for its digest
  nlohmann::json context;
  std::vector<std::string> order;  // benchmark names (run_name) in file order
  std::map<std::string, BenchRepetitions> benchmarks;
  // `gcbench bench --instructions`: its rows count callgrind's instructions, and
  // its times are under valgrind (nothing to judge).
  bool counts_instructions = false;
  // A paired file is a whole Google Benchmark file of the contender's side
  // (history and the two-file compare read it as one), plus the baseline's.
  std::optional<PairedBaseline> paired;
};

// The key under which a paired file keeps the baseline's side, and its format's version.
inline constexpr const char* kPairedKey = "gcbench_paired";
inline constexpr int kPairedFormat = 1;

// Aggregate rows (mean, median, ...) are skipped: the repetitions are the data.
// A paired file of a newer format than this gcbench reads is refused.
// Throws std::runtime_error naming the file, and what writes a good one, when it
// cannot be opened, is not JSON, or is not Google Benchmark's format.
BenchFile read_bench_file(const std::filesystem::path& file);

// A context value as text ("?" when absent), e.g. context_value(bench.context, "git_revision").
std::string context_value(const nlohmann::json& context, const char* key);

// Google Benchmark's suffix on a UseRealTime case's name ("train_step/conv4/real_time"),
// which gcbench's cases all are; the history ends a case's wall-time series with it too.
inline constexpr std::string_view kRealTimeSuffix = "/real_time";

// Whether a name is something followed by the kRealTimeSuffix.
bool ends_with_real_time(std::string_view name);

// A row's case without the kRealTimeSuffix: "train_step/conv4".
std::string case_name(const std::string& run_name);

// Cases named "calibration/..." time fixed LibTorch kernels that no gcbench
// change touches (a GEMM, a convolution): every bench file has them, and they
// say how fast the machine ran that session.
bool is_calibration_case(const std::string& name);
// The geometric mean of the calibration cases' median real times, in seconds:
// the unit that normalised series are measured in. None when the file has no
// calibration case that ran.
std::optional<double> calibration_seconds(const BenchFile& bench);

}  // namespace gcbench
