// Runs a planned suite into a new results folder, one record per run.
#pragma once

#include <filesystem>
#include <vector>

#include "config/suite.hpp"
#include "plan/plan.hpp"
#include "record/run_record.hpp"

namespace gcbench {

class PluginRegistry;

struct SuiteRunSummary {
  std::filesystem::path results_dir;  // holds runs.jsonl, suite.resolved.toml, plan.json
  std::vector<RunRecord> records;
  std::size_t failed = 0;     // runs that threw
  std::size_t diverged = 0;   // runs whose loss became NaN or infinite
  std::size_t trainings = 0;  // networks trained with SGD: one per training identity
};

// Every run is recorded, as "ok", "diverged" or "failed" with its error; a run's
// failure does not stop the suite, but a dataset that cannot be loaded does,
// since no later run could succeed. Each record is on disk before the next run starts.
// Work is done once per identity:
// - a run whose run id (resolved config and seed) an earlier run of this call
//   already trained and measured, as where two variants share a point, is not
//   run again: its record copies that run's results and names it in "reused_from";
// - a run whose training identity an earlier run already trained (runs that
//   differ only in what they measure) measures that run's checkpoint, and its
//   record says training.trained = false and names it in training.trained_in_run.
SuiteRunSummary run_suite(const Suite& suite, const std::vector<PlannedRun>& runs, const PluginRegistry& registry,
                          const std::filesystem::path& results_root);

}  // namespace gcbench
