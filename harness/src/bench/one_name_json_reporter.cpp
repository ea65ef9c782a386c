#include "bench/one_name_json_reporter.hpp"

namespace gcbench {

void OneNameJsonReporter::ReportRuns(const std::vector<Run>& runs) {
  std::vector<Run> renamed = runs;
  for (auto& run : renamed) {
    run.run_name.min_time.clear();
    run.run_name.min_warmup_time.clear();
  }
  benchmark::JSONReporter::ReportRuns(renamed);
}

}  // namespace gcbench
