#include "stats/ranks.hpp"

#include <algorithm>
#include <cstddef>
#include <numeric>

namespace gcbench {

std::vector<double> average_ranks(const std::vector<double>& values) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  std::vector<double> ranks(values.size());
  for (std::size_t start = 0; start < order.size();) {
    std::size_t end = start;
    while (end + 1 < order.size() && values[order[end + 1]] == values[order[start]]) ++end;
    const double rank = (static_cast<double>(start) + static_cast<double>(end)) / 2 + 1;
    for (std::size_t i = start; i <= end; ++i) ranks[order[i]] = rank;
    start = end + 1;
  }
  return ranks;
}

double tie_term(const std::vector<double>& values) {
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  double term = 0;
  for (std::size_t start = 0; start < sorted.size();) {
    std::size_t end = start;
    while (end + 1 < sorted.size() && sorted[end + 1] == sorted[start]) ++end;
    const double t = static_cast<double>(end - start + 1);
    term += t * t * t - t;
    start = end + 1;
  }
  return term;
}

}  // namespace gcbench
