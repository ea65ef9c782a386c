// Runs a planned suite, one record per run, into results/<suite>/<timestamp>/.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <vector>

#include "config/suite.hpp"
#include "plan/plan.hpp"

namespace gcbench {

class PluginRegistry;

struct SuiteRunSummary {
  std::filesystem::path results_dir;  // holds runs.jsonl, suite.resolved.toml, plan.json
  std::vector<nlohmann::json> records;
  std::size_t failed = 0;    // runs that threw
  std::size_t diverged = 0;  // runs whose loss became NaN or infinite
};

// Every run is recorded, as "ok", "diverged" or "failed" with its error; a run's
// failure does not stop the suite, but a dataset that cannot be loaded does,
// since no later run could succeed. Each record is on disk before the next run starts.
// A run whose id (resolved config and seed) an earlier run of this call already
// trained and measured, as where two variants share a point, is not run again:
// its record copies that run's results and names it in "reused_from".
SuiteRunSummary run_suite(const Suite& suite, const std::vector<PlannedRun>& runs, const PluginRegistry& registry,
                          const std::filesystem::path& results_root);

}  // namespace gcbench
