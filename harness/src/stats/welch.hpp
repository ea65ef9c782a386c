// Welch's two-sample t-test: do two independent samples, each of its own
// spread, share a mean? Compare uses it across machines, where the baseline's
// seeds and the contender's seeds are two independent draws of each metric
// (float rounding differs between machines, and one seed's chaotic training
// turns that into a new draw), and where the two sides' spreads need not match.
#pragma once

#include <vector>

namespace gcbench {

struct WelchResult {
  double difference = 0;  // mean(second) - mean(first)
  double low = 0;         // its 95% interval
  double high = 0;
  double t = 0;
  double degrees_of_freedom = 0;  // Welch-Satterthwaite
  double p_value = 1;             // two-sided; 1 when both samples are constant and equal
};

// Throws std::invalid_argument unless each sample has at least 2 values.
// Both samples constant: p = 1 if their values are equal, else 0 (a sure difference).
WelchResult welch_t_test(const std::vector<double>& first, const std::vector<double>& second);

}  // namespace gcbench
