// The two-sample tests compare uses: Wilcoxon's signed-rank test for paired
// samples (the per-episode accuracies of identical few-shot episodes) and the
// Mann-Whitney U test for independent ones (benchmark repetitions). Both are
// two-sided, exact for small samples without ties, and otherwise the normal
// approximation with tie and continuity corrections (as scipy.stats does).
#pragma once

#include <cstddef>
#include <vector>

namespace gcbench {

struct TestResult {
  double statistic = 0;  // W+ (signed-rank) or U of the first sample (Mann-Whitney)
  double p_value = 1;    // two-sided; 1 when there is nothing to test
  std::size_t n = 0;     // pairs with a non-zero difference, or the smaller sample's size
  bool exact = false;    // the exact null distribution, not the normal approximation
};

// differences[i] = contender[i] - baseline[i]; zero differences are dropped (Wilcoxon's method).
TestResult wilcoxon_signed_rank(const std::vector<double>& differences);

TestResult mann_whitney_u(const std::vector<double>& first, const std::vector<double>& second);

// The mean of `values` and the half-width of its 95% Student-t interval (0 for fewer than 2 values).
struct MeanInterval {
  double mean = 0;
  double half_width = 0;
};
MeanInterval mean_with_ci95(const std::vector<double>& values);
// The arithmetic mean; 0 for no values.
double mean(const std::vector<double>& values);
// The sample standard deviation (n - 1 in the denominator); 0 for fewer than 2 values.
double sample_standard_deviation(const std::vector<double>& values);
// mean_with_ci95(values).half_width, e.g. a few-shot accuracy's over its episodes.
double ci95_half_width(const std::vector<double>& values);

double median(std::vector<double> values);

}  // namespace gcbench
