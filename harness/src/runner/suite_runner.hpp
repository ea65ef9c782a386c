// Runs planned runs into a results folder, one record per run.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "config/suite.hpp"
#include "plan/plan.hpp"
#include "record/results_folder.hpp"
#include "record/run_record.hpp"
#include "runner/earlier_runs.hpp"

namespace gcbench {

class PluginRegistry;

struct SuiteRunOptions {
  // Each run in a process of its own: argv of `gcbench run-one` (executable,
  // "run-one", the suite, its --set and --plugin-path), to which the runner
  // adds the folder, the run's index and id. Empty: every run in this process.
  std::vector<std::string> child_command;
  // Printed when a signal stops the suite early.
  std::string resume_command;
};

struct SuiteRunSummary {
  std::filesystem::path results_dir;  // holds runs.jsonl, suite.resolved.toml, plan.json
  std::vector<RunRecord> records;     // written by this call
  std::size_t already_done = 0;       // runs skipped: the folder held their finished records
  std::size_t failed = 0;             // runs that threw
  std::size_t crashed = 0;            // runs whose process died
  std::size_t diverged = 0;           // runs whose loss became NaN or infinite
  std::size_t trainings = 0;          // networks trained with SGD: one per training identity
  std::size_t not_run = 0;            // runs left when a dataset failed or a signal stopped the suite
  bool stopped = false;               // a signal stopped it
};

// Every run is recorded, as "ok", "diverged", "failed" with its error, or
// "crashed" with its signal and the tail of its stderr; a run's failure or
// crash does not stop the suite, but a dataset that cannot be loaded does,
// since no later run could succeed. Each record is on disk before the next run starts.
// Work is done once per identity, with the runs of `earlier` (a resumed folder's
// finished records) and this call's:
// - a run already recorded as finished at its place in the plan is skipped (resume);
// - a run whose run id a finished run has copies that run's results and names
//   it in "reused_from";
// - a run whose training identity an earlier run already trained (runs that
//   differ only in what they measure) measures that run's checkpoint, and its
//   record says training.trained = false and names it in training.trained_in_run.
// `folder` is locked by the caller and holds plan.json.
SuiteRunSummary run_suite(const Suite& suite, const std::vector<PlannedRun>& runs, const PluginRegistry& registry,
                          ResultsFolder& folder, EarlierRuns earlier, const SuiteRunOptions& options);

// All in this process, into a new folder ROOT/<suite>/<timestamp> whose plan.json lists `runs`.
SuiteRunSummary run_suite(const Suite& suite, const std::vector<PlannedRun>& runs, const PluginRegistry& registry,
                          const std::filesystem::path& results_root);

// Writes plan.json (of `plan`, the whole suite) and suite.resolved.toml into a new folder.
void start_folder(ResultsFolder& folder, const Suite& suite, const std::vector<PlannedRun>& plan);

// `gcbench run-one`'s exit code when the dataset cannot be read; its outcome is written.
inline constexpr int kRunOneDatasetUnusable = 4;

// In a run's process (`gcbench run-one`): runs the plan's run `index` into
// runs/NNN-<id>/outcome.json, for the suite runner to record. True when the
// dataset could not be read.
bool run_in_child(const Suite& suite, const std::vector<PlannedRun>& plan, const PluginRegistry& registry,
                  const std::filesystem::path& results_dir, std::size_t index, const std::string& run_id);

}  // namespace gcbench
