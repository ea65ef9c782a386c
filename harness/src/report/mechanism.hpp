// The paper's mechanism, tested on one group of runs: lower source GC should go
// with lower target NC (rho > 0), and lower target NC with higher accuracy
// (rho < 0). GC bounding NC on the classes trained on (source NC, rho > 0) is
// the step before transfer.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "report/split_statistics.hpp"
#include "report/suite_results.hpp"
#include "stats/correlation.hpp"

namespace gcbench {

struct MechanismCheck {
  std::string variant;
  std::string swept;  // the key the group sweeps
  Correlation gc_vs_source_nc;
  Correlation gc_vs_target_nc;
  Correlation target_nc_vs_accuracy;
  // The same within each class split, for groups whose runs come from several.
  std::size_t splits = 0;
  SplitAwareCorrelation gc_vs_source_nc_by_split;
  SplitAwareCorrelation gc_vs_target_nc_by_split;
  SplitAwareCorrelation target_nc_vs_accuracy_by_split;

  // The three, in the order reports show them, with the sign the paper expects.
  struct Relation {
    const char* measures;  // "source GC, target NC"
    const Correlation& correlation;
    int expected_sign;
    const SplitAwareCorrelation& by_split;
  };
  std::array<Relation, 3> relations() const {
    return {{{"source GC, target NC", gc_vs_target_nc, +1, gc_vs_target_nc_by_split},
             {"target NC, accuracy", target_nc_vs_accuracy, -1, target_nc_vs_accuracy_by_split},
             {"source GC, source NC", gc_vs_source_nc, +1, gc_vs_source_nc_by_split}}};
  }
};

// The seed of the bootstrap behind every pooled interval a report shows.
inline constexpr std::uint64_t kReportBootstrapSeed = 20241210;

// What the reports say above the within-split table.
inline constexpr const char* kSplitSectionIntro =
    "Runs of several class splits: pooling raw values across splits mixes their scales, so each relation is read "
    "within each split (Spearman's rho per split, runs in brackets) and pooled as the run-weighted mean of the "
    "per-split rhos, with a 95% bootstrap interval over runs resampled within their split";

// One check per group, over its runs with status ok (all seeds).
std::vector<MechanismCheck> check_mechanism(const std::vector<RunGroup>& groups);

// rho as the report tables show it: "+0.85", or "-" when not measurable.
std::string rho_text(const Correlation& correlation);

// "matches the paper (p = 0.003)", "matches the paper's sign, not significant
// (p = 0.21)", "opposite to the paper (p = 0.04)", or "not measurable (...)".
std::string verdict(const Correlation& correlation, int expected_sign);

// What a verdict is evidence of, for its colour in the report: only a test
// (p < 0.05) or an interval that excludes 0 is evidence of a sign; "the
// paper's sign, not significant" is evidence of nothing, and is drawn neutral.
enum class Evidence { papers_sign, opposite_sign, none };
Evidence evidence(const Correlation& correlation, int expected_sign);
Evidence evidence(const PooledCorrelation& pooled, int expected_sign);
// The report's CSS class for it: "match", "opposite" or "" (neutral).
const char* evidence_class(Evidence evidence);

// "+0.31 [+0.05, +0.55]", or "-" when not measurable.
std::string pooled_text(const PooledCorrelation& pooled);
// "the interval excludes 0: the paper's sign", "... : opposite to the paper", or
// "the interval covers 0: no sign can be claimed".
std::string pooled_verdict(const PooledCorrelation& pooled, int expected_sign);
// "split_seed=0: +0.30 (10), split_seed=1: -0.10 (10)".
std::string per_split_text(const SplitAwareCorrelation& by_split);

}  // namespace gcbench
