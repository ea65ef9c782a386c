// Ranks with ties, shared by the rank tests and Spearman's correlation.
#pragma once

#include <vector>

namespace gcbench {

// Ranks from 1, ties sharing their average rank (midranks).
std::vector<double> average_ranks(const std::vector<double>& values);

// The sum over groups of tied values of t^3 - t (t the group's size), which
// corrects a rank statistic's variance for ties.
double tie_term(const std::vector<double>& values);

}  // namespace gcbench
