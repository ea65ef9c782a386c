// The Hodges-Lehmann estimate of a paired shift and its distribution-free
// confidence interval: the median of the Walsh averages (x_i + x_j) / 2, i <= j,
// and the order statistics of those averages that Wilcoxon's signed-rank test
// puts at the interval's ends. It is the interval that goes with the
// signed-rank test (a shift outside it is one the test rejects), and needs
// neither normality nor a bootstrap's random draws: the same data give the
// same interval.
#pragma once

#include <vector>

namespace gcbench {

struct ShiftInterval {
  double estimate = 0;  // the median of the Walsh averages
  double low = 0;
  double high = 0;
  double coverage = 0;  // what the interval achieves: the exact distribution is discrete
};

// `confidence` e.g. 0.95. With few values the interval cannot reach it (6 values
// reach 96.9%, 5 only 93.8%): it is then the widest one, from the smallest to the
// largest value, and `coverage` says what it achieves. Exact up to 60 values, the
// normal approximation beyond. Throws std::invalid_argument on no values.
ShiftInterval hodges_lehmann(const std::vector<double>& values, double confidence = 0.95);

}  // namespace gcbench
