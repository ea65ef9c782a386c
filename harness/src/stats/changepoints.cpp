#include "stats/changepoints.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

#include "stats/rank_tests.hpp"

namespace gcbench {
namespace {

// The split of values[begin, end) that most lowers the sum of squared
// deviations from each side's mean, with min_level points on each side.
std::size_t best_split(const std::vector<double>& values, std::size_t begin, std::size_t end, std::size_t min_level) {
  std::vector<double> prefix(end - begin + 1, 0.0), prefix_squares(end - begin + 1, 0.0);
  for (std::size_t i = begin; i < end; ++i) {
    prefix[i - begin + 1] = prefix[i - begin] + values[i];
    prefix_squares[i - begin + 1] = prefix_squares[i - begin] + values[i] * values[i];
  }
  const auto cost = [&](std::size_t from, std::size_t to) {  // relative to begin
    const double n = static_cast<double>(to - from);
    const double sum = prefix[to] - prefix[from];
    return prefix_squares[to] - prefix_squares[from] - sum * sum / n;
  };
  std::size_t best = 0;
  double best_cost = INFINITY;
  const std::size_t n = end - begin;
  for (std::size_t k = min_level; k + min_level <= n; ++k) {
    const double c = cost(0, k) + cost(k, n);
    if (c < best_cost) best_cost = c, best = begin + k;
  }
  return best;
}

double median_of(const std::vector<double>& values, std::size_t begin, std::size_t end) {
  return median(std::vector<double>(values.begin() + static_cast<std::ptrdiff_t>(begin),
                                    values.begin() + static_cast<std::ptrdiff_t>(end)));
}

}  // namespace

double series_noise(const std::vector<double>& values) {
  if (values.size() < 2) return 0;
  std::vector<double> differences;
  for (std::size_t i = 1; i < values.size(); ++i) differences.push_back(std::abs(values[i] - values[i - 1]));
  return 1.4826 * median(differences) / std::sqrt(2.0);
}

std::vector<Step> detect_steps(const std::vector<double>& values, const StepOptions& options) {
  const double noise = series_noise(values);
  std::vector<Step> steps;
  const std::function<void(std::size_t, std::size_t)> segment = [&](std::size_t begin, std::size_t end) {
    if (end - begin < 2 * options.min_level) return;
    const std::size_t split = best_split(values, begin, end, options.min_level);
    if (split == 0) return;
    const double before = median_of(values, begin, split), after = median_of(values, split, end);
    const double shift = std::abs(after - before);
    const double scale = std::max(std::abs(before), std::abs(after));
    if (shift <= options.noise_multiple * noise || shift <= options.min_relative * scale) return;
    steps.push_back({split, before, after});
    segment(begin, split);
    segment(split, end);
  };
  segment(0, values.size());
  std::sort(steps.begin(), steps.end(), [](const Step& a, const Step& b) { return a.index < b.index; });
  // A step's levels are those of its neighbouring segments, not of the whole stretch first split.
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const std::size_t from = i == 0 ? 0 : steps[i - 1].index;
    const std::size_t to = i + 1 < steps.size() ? steps[i + 1].index : values.size();
    steps[i].before = median_of(values, from, steps[i].index);
    steps[i].after = median_of(values, steps[i].index, to);
  }
  return steps;
}

}  // namespace gcbench
