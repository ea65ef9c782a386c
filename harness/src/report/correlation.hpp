// Rank correlation between two measurements across runs.
#pragma once

#include <cstddef>
#include <vector>

namespace gcbench {

struct Correlation {
  double rho = 0;      // Spearman's rank correlation, in [-1, 1]
  double p_value = 1;  // two-sided, from the t approximation with n - 2 degrees of freedom
  std::size_t n = 0;
};

// Spearman's rho: Pearson's correlation of the ranks, ties given their average
// rank. Needs x.size() == y.size() >= 3 and neither constant; otherwise n is set
// and rho is NaN.
Correlation spearman(const std::vector<double>& x, const std::vector<double>& y);

// Ranks from 1, ties sharing their average rank.
std::vector<double> average_ranks(const std::vector<double>& values);

}  // namespace gcbench
