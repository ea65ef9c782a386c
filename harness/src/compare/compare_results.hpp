// Two results folders of one suite, run by run: runs are matched by run id
// (equal ids, equal experiments), and each headline metric is judged:
//  - few-shot accuracy: Wilcoxon's signed-rank test over the per-episode
//    accuracies of the identical episodes, with the mean difference's 95% interval;
//  - source accuracy, GC, NC: a threshold (one value per run);
//  - run and phase times: a threshold, one sample per side, said so.
#pragma once

#include <filesystem>

#include "compare/comparison.hpp"
#include "compare/thresholds.hpp"

namespace gcbench {

// Throws CannotCompare naming the folder or file when a side is missing or
// unreadable, the folders hold other suites, or their plans share no run.
Comparison compare_results(const std::filesystem::path& baseline, const std::filesystem::path& contender,
                           const Thresholds& thresholds);

}  // namespace gcbench
