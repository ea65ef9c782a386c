// One planned run, made into its record: the steps the suite runner and a
// `gcbench run-one` child process share.
#pragma once

#include <filesystem>

#include "config/suite.hpp"
#include "plan/plan.hpp"
#include "record/run_record.hpp"
#include "runner/dataset_cache.hpp"
#include "runner/earlier_runs.hpp"

namespace gcbench {

class PluginRegistry;

// The record a run starts with: who it is, where it sits in the plan, where it
// came from (versions, machine, device). Sets LibTorch's threads for the run.
RunRecord start_record(const Suite& suite, const PlannedRun& run, const PluginRegistry& registry,
                       const std::filesystem::path& run_dir);

// Fills `record` from an earlier run of the folder when one stands for this
// run: an identical run's results, or a diverged training's outcome. True when it did.
bool reuse_earlier(const PlannedRun& run, const EarlierRuns& earlier, RunRecord& record);

// Runs it here: trains (or measures an earlier run's network), measures, and
// sets status ok, diverged or failed with the error. True when the dataset
// could not be read, so no later run can succeed either.
bool attempt_run(const PlannedRun& run, const PluginRegistry& registry, DatasetCache& datasets, const std::filesystem::path& dir,
                 const EarlierRuns& earlier, RunRecord& record);

}  // namespace gcbench
