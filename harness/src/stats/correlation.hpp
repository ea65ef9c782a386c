// Rank correlation between two measurements across runs.
#pragma once

#include <cstddef>
#include <vector>

#include "stats/ranks.hpp"

namespace gcbench {

struct Correlation {
  double rho = 0;      // Spearman's rank correlation, in [-1, 1]
  double p_value = 1;  // two-sided; exact up to kExactSpearmanRuns runs, else the t approximation

  std::size_t n = 0;
};

// Up to this many runs the p-value counts every permutation of the ranks (10! =
// 3.6M sums, tens of milliseconds): the t approximation is poor for the handful
// of runs a sweep has, and gives p = 0 for a perfect rank order.
inline constexpr std::size_t kExactSpearmanRuns = 10;

// Spearman's rho: Pearson's correlation of the ranks, ties given their average
// rank. Needs x.size() == y.size() >= 3 and neither constant; otherwise n is set
// and rho is NaN. The p-value is for no association, two-sided.
Correlation spearman(const std::vector<double>& x, const std::vector<double>& y);

// Spearman's rho alone, without the p-value's cost (bootstraps recompute it
// thousands of times): NaN for fewer than 3 values or a constant one.
double spearman_rho(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace gcbench
