// A paired bench file (`gcbench bench --against OTHER --json FILE`), case by
// case: the ratio contender/baseline of each round's pair, tested with
// Wilcoxon's signed-rank test on the log-ratios, and estimated with the
// Hodges-Lehmann median and its 95% interval. A case regresses when that
// interval lies wholly above 1 + its threshold (benchmark.paired_relative, or
// its own in benchmark.paired_relative_for): the slowdown is both
// real and larger than the threshold, whatever the machine did meanwhile, for
// it fell on both sides of every pair.
#pragma once

#include <filesystem>

#include "compare/comparison.hpp"
#include "compare/thresholds.hpp"

namespace gcbench {

// Throws CannotCompare naming the file when it is missing, not a benchmark file,
// or not a paired one (then saying what compare takes instead).
Comparison compare_paired_benchmarks(const std::filesystem::path& file, const Thresholds& thresholds);

}  // namespace gcbench
