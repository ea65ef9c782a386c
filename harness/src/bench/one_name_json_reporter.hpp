// The bench JSON's reporter: Google Benchmark's own, except that a case with
// floors of its own on a repetition's time and its warm-up (the nightly's speed
// targets) keeps its one name. Google Benchmark names such a case
// "<name>/min_time:1.000/min_warmup_time:0.200/real_time";
// compare, history and a paired baseline without the floor match cases by name,
// so the file says "<name>/real_time". The console still shows the floor.
#pragma once

#include <benchmark/benchmark.h>

#include <vector>

namespace gcbench {

class OneNameJsonReporter : public benchmark::JSONReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override;
};

}  // namespace gcbench
