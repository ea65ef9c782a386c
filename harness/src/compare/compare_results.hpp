// Two results folders of one suite, run by run: runs are matched by run id
// (equal ids, equal experiments), and each headline metric is judged:
//  - few-shot accuracy: Wilcoxon's signed-rank test over the per-episode
//    accuracies of the identical episodes, with the mean difference's 95% interval;
//  - source accuracy, GC, NC: a threshold (one value per run);
//  - run and phase times: a threshold, one sample per side, said so.
//
// Results of one seed differ between machines (float rounding differs between
// CPUs' kernels, and a chaotic training run turns that into differences far
// above any threshold), so folders from two machine identities (CPU model,
// threads, LibTorch, BLAS, device) are not compared unless asked: across
// machines, each metric is judged over its seeds at each variant and sweep
// point instead (compare/across_machines.hpp); times are not judged at all.
#pragma once

#include <filesystem>

#include "compare/comparison.hpp"
#include "compare/thresholds.hpp"
#include "record/run_record.hpp"

namespace gcbench {

struct ResultsComparisonOptions {
  bool across_machines = false;  // judge folders of two machine identities over their seeds
};

// Throws CannotCompare naming the folder or file when a side is missing or
// unreadable, the folders hold other suites, their plans share no run, or they
// come from two machine identities (record/machine_identity.hpp) and
// options.across_machines is false.
Comparison compare_results(const std::filesystem::path& baseline, const std::filesystem::path& contender,
                           const Thresholds& thresholds, const ResultsComparisonOptions& options = {});

}  // namespace gcbench
