// Two Google Benchmark JSON files (`gcbench bench --json`), benchmark by
// benchmark: the Mann-Whitney U test over the repetitions, as Google
// Benchmark's tools/compare.py does, and a relative threshold on the median;
// a regression needs both (so one noisy repetition cannot make one).
#pragma once

#include <filesystem>

#include "compare/comparison.hpp"
#include "compare/thresholds.hpp"
#include "record/bench_file.hpp"

namespace gcbench {

// Throws CannotCompare naming the file when it is missing or not a benchmark JSON file.
Comparison compare_benchmarks(const std::filesystem::path& baseline, const std::filesystem::path& contender,
                              const Thresholds& thresholds);

// A case that failed on either side: regressed when only the contender failed,
// improved when only the baseline did. None when both ran.
std::optional<Finding> failure_finding(const std::string& name, const BenchRepetitions& baseline,
                                       const BenchRepetitions& contender);

}  // namespace gcbench
