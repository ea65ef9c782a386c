// A finished (or interrupted) suite's records, read back from its results folder,
// and the headline measurements the report compares across runs.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "record/run_record.hpp"

namespace gcbench {

struct SuiteResults {
  std::filesystem::path folder;         // holds runs.jsonl
  std::vector<RunRecord> records;       // in run order
  std::vector<nlohmann::json> not_run;  // plan.json's entries with no record: the suite stopped before them
  std::vector<std::string> warnings;    // e.g. a truncated last line, skipped
};

// `path` is a suite's results folder (results/<suite>/<timestamp>, holding
// runs.jsonl) or the folder above it, whose latest run of the suite is taken.
// Throws std::runtime_error naming the file and line of a broken record.
SuiteResults load_suite_results(const std::filesystem::path& path);

// Which of a suite's measurements the report plots and correlates.
struct Headline {
  std::string gc_estimator;  // "exact" where it was run, else the first estimator
  std::string classifier;    // "linear_probe" where it was run, else "ncm", else the first
  std::int64_t shots = 0;    // 5 where measured, else the largest shot count; 0 if none
};
Headline choose_headline(const std::vector<RunRecord>& records);

// One run's headline numbers; empty where the run did not produce them.
struct RunMeasures {
  std::size_t index = 0;
  std::string variant;
  std::int64_t seed = 0;
  RunStatus status = RunStatus::failed;
  nlohmann::json swept;
  std::string split;  // the run's class split: "split_seed=3", "source: a, b", or "" when not known
  std::optional<double> source_gc, source_nc, target_nc, accuracy, accuracy_ci95;
  std::optional<double> train_accuracy;  // on the source training images
  double seconds = 0;
  const RunRecord* record = nullptr;  // what it was read from, for trajectories and every estimator; lives
                                      // as long as the records passed to measures_of / group_runs
};
RunMeasures measures_of(const RunRecord& record, const Headline& headline);
// "split_seed=N" for a random class split, else the source classes, else "".
std::string split_of(const RunRecord& record);

// Runs grouped by variant, in the order the variants first appear.
struct RunGroup {
  std::string variant;
  std::vector<RunMeasures> runs;
  // The swept key whose values differ most in this group, the one plots colour
  // by; "" when nothing was swept.
  std::string colour_key;
  std::vector<nlohmann::json> colour_values;  // its distinct values, sorted
};
std::vector<RunGroup> group_runs(const std::vector<RunRecord>& records, const Headline& headline);

// A JSON value as a short label: 0.001 -> "0.001", "ncm" -> "ncm".
std::string value_label(const nlohmann::json& value);

}  // namespace gcbench
