// A Google Benchmark JSON file (`gcbench bench --json`), read once for every
// reader (compare, history): each benchmark's repetitions in seconds.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gcbench {

struct BenchRepetitions {
  std::vector<double> real_time;  // seconds, one per repetition
  std::vector<double> cpu_time;
  std::string error;  // Google Benchmark's error_message, when a repetition failed
};

struct BenchFile {
  std::string content;  // the file as read, for its digest
  nlohmann::json context;
  std::vector<std::string> order;  // benchmark names (run_name) in file order
  std::map<std::string, BenchRepetitions> benchmarks;
};

// Aggregate rows (mean, median, ...) are skipped: the repetitions are the data.
// Throws std::runtime_error naming the file, and what writes a good one, when it
// cannot be opened, is not JSON, or is not Google Benchmark's format.
BenchFile read_bench_file(const std::filesystem::path& file);

// Cases named "calibration/..." time fixed LibTorch kernels that no gcbench
// change touches (a GEMM, a convolution): every bench file has them, and they
// say how fast the machine ran that session.
bool is_calibration_case(const std::string& name);
// The geometric mean of the calibration cases' median real times, in seconds:
// the unit that normalised series are measured in. None when the file has no
// calibration case that ran.
std::optional<double> calibration_seconds(const BenchFile& bench);

}  // namespace gcbench
