// What `gcbench history add` puts in the history: each run record of a results
// folder as one source (its headline metrics, see record/headline_metrics.hpp),
// or a benchmark JSON file as one source (each benchmark's median real and CPU
// time over its repetitions, in seconds, and its median real time in units of
// the file's calibration cases: bench/<case>/real_time_normalised).
#pragma once

#include <filesystem>
#include <string>

#include "history/history_db.hpp"

namespace gcbench {

// A benchmark's real time divided by its session's calibration (record/bench_file.hpp).
inline constexpr const char* kNormalisedSuffix = "/real_time_normalised";
inline constexpr const char* kCalibrationUnit = "x calibration";

struct AddSummary {
  std::size_t added = 0;    // sources new to the history
  std::size_t already = 0;  // sources it held already
  std::size_t points = 0;   // points added
};

// `machine` names the machine in the history; empty: the records' (or the file's) host name.
// Throws std::runtime_error naming the folder or file when it cannot be read.
AddSummary add_results_folder(History& history, const std::filesystem::path& folder, const std::string& machine);
AddSummary add_benchmark_file(History& history, const std::filesystem::path& file, const std::string& machine);

}  // namespace gcbench
