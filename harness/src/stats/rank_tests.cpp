#include "stats/rank_tests.hpp"

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "stats/ranks.hpp"

namespace gcbench {
namespace {

// Samples this small, without ties, get the exact null distribution.
constexpr std::size_t kExactSignedRankMax = 30;
constexpr std::size_t kExactRankSumMax = 400;  // n * m

struct Ranks {
  std::vector<double> ranks;  // midranks, 1-based, in the input's order
  double tie_term = 0;        // sum over tie groups of t^3 - t
};

Ranks midranks(const std::vector<double>& values) { return {average_ranks(values), tie_term(values)}; }

double two_sided_normal(double statistic, double mean, double variance) {
  if (variance <= 0) return 1.0;
  const double distance = std::max(0.0, std::abs(statistic - mean) - 0.5);  // continuity correction
  const boost::math::normal standard;
  return std::min(1.0, 2.0 * boost::math::cdf(boost::math::complement(standard, distance / std::sqrt(variance))));
}

// Two-sided p of an integer statistic from its exact null counts.
double two_sided_exact(const std::vector<double>& counts, double statistic) {
  const double total = std::accumulate(counts.begin(), counts.end(), 0.0);
  const auto s = static_cast<std::size_t>(std::llround(statistic));
  double lower = 0, upper = 0;
  for (std::size_t v = 0; v < counts.size(); ++v) {
    if (v <= s) lower += counts[v];
    if (v >= s) upper += counts[v];
  }
  return std::min(1.0, 2.0 * std::min(lower, upper) / total);
}

}  // namespace

TestResult wilcoxon_signed_rank(const std::vector<double>& differences) {
  std::vector<double> nonzero;
  for (const double d : differences) {
    if (!std::isfinite(d)) throw std::invalid_argument("wilcoxon_signed_rank: a difference is not finite");
    if (d != 0) nonzero.push_back(d);
  }
  TestResult result;
  result.n = nonzero.size();
  if (nonzero.empty()) return result;
  std::vector<double> magnitudes(nonzero.size());
  std::transform(nonzero.begin(), nonzero.end(), magnitudes.begin(), [](double d) { return std::abs(d); });
  const auto ranked = midranks(magnitudes);
  for (std::size_t i = 0; i < nonzero.size(); ++i) {
    if (nonzero[i] > 0) result.statistic += ranked.ranks[i];
  }
  const auto n = static_cast<double>(nonzero.size());
  if (ranked.tie_term == 0 && nonzero.size() <= kExactSignedRankMax) {
    // counts[w]: subsets of {1..n} whose ranks sum to w.
    const auto max_sum = nonzero.size() * (nonzero.size() + 1) / 2;
    std::vector<double> counts(max_sum + 1, 0.0);
    counts[0] = 1;
    for (std::size_t rank = 1; rank <= nonzero.size(); ++rank) {
      for (std::size_t w = max_sum; w >= rank; --w) counts[w] += counts[w - rank];
    }
    result.p_value = two_sided_exact(counts, result.statistic);
    result.exact = true;
    return result;
  }
  const double variance = n * (n + 1) * (2 * n + 1) / 24.0 - ranked.tie_term / 48.0;
  result.p_value = two_sided_normal(result.statistic, n * (n + 1) / 4.0, variance);
  return result;
}

TestResult mann_whitney_u(const std::vector<double>& first, const std::vector<double>& second) {
  TestResult result;
  result.n = std::min(first.size(), second.size());
  if (first.empty() || second.empty()) return result;
  std::vector<double> pooled(first);
  pooled.insert(pooled.end(), second.begin(), second.end());
  for (const double v : pooled) {
    if (!std::isfinite(v)) throw std::invalid_argument("mann_whitney_u: a value is not finite");
  }
  const auto ranked = midranks(pooled);
  const auto n1 = static_cast<double>(first.size()), n2 = static_cast<double>(second.size());
  const double rank_sum =
      std::accumulate(ranked.ranks.begin(), ranked.ranks.begin() + static_cast<std::ptrdiff_t>(first.size()), 0.0);
  result.statistic = rank_sum - n1 * (n1 + 1) / 2.0;
  if (ranked.tie_term == 0 && first.size() * second.size() <= kExactRankSumMax) {
    // counts[m][u]: arrangements of m first-sample values among the rest with U = u,
    // built one second-sample value at a time.
    const std::size_t a = first.size(), b = second.size(), max_u = a * b;
    std::vector<std::vector<double>> counts(a + 1, std::vector<double>(max_u + 1, 0.0));
    for (std::size_t m = 0; m <= a; ++m) counts[m][0] = 1;  // no second-sample values yet
    for (std::size_t j = 1; j <= b; ++j) {
      // counts_j[m][u] = counts_{j-1}[m][u] (the largest value is from the second sample)
      //                + counts_j[m-1][u - j] (it is from the first sample, above j values)
      std::vector<std::vector<double>> next(a + 1, std::vector<double>(max_u + 1, 0.0));
      for (std::size_t m = 0; m <= a; ++m) {
        for (std::size_t u = 0; u <= max_u; ++u) {
          next[m][u] = counts[m][u] + (m > 0 && u >= j ? next[m - 1][u - j] : 0.0);
        }
      }
      counts = std::move(next);
    }
    result.p_value = two_sided_exact(counts[a], result.statistic);
    result.exact = true;
    return result;
  }
  const double n = n1 + n2;
  const double variance = n1 * n2 / 12.0 * ((n + 1) - ranked.tie_term / (n * (n - 1)));
  result.p_value = two_sided_normal(result.statistic, n1 * n2 / 2.0, variance);
  return result;
}

double mean(const std::vector<double>& values) {
  if (values.empty()) return 0;
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

double sample_standard_deviation(const std::vector<double>& values) {
  if (values.size() < 2) return 0;
  const auto n = static_cast<double>(values.size());
  const double average = mean(values);
  double squares = 0;
  for (const double v : values) squares += (v - average) * (v - average);
  return std::sqrt(squares / (n - 1));
}

MeanInterval mean_with_ci95(const std::vector<double>& values) {
  MeanInterval out;
  if (values.empty()) return out;
  const auto n = static_cast<double>(values.size());
  out.mean = mean(values);
  if (values.size() < 2) return out;
  const double standard_error = sample_standard_deviation(values) / std::sqrt(n);
  const boost::math::students_t t(n - 1);
  out.half_width = boost::math::quantile(boost::math::complement(t, 0.025)) * standard_error;
  return out;
}

double ci95_half_width(const std::vector<double>& values) { return mean_with_ci95(values).half_width; }

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid] : 0.5 * (values[mid - 1] + values[mid]);
}

}  // namespace gcbench
