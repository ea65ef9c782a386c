#include "report/correlation.hpp"

#include <boost/math/distributions/students_t.hpp>
#include <boost/math/statistics/bivariate_statistics.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

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

Correlation spearman(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size()) throw std::invalid_argument("spearman: x and y differ in length");
  Correlation out;
  out.n = x.size();
  out.rho = std::numeric_limits<double>::quiet_NaN();
  out.p_value = std::numeric_limits<double>::quiet_NaN();
  if (out.n < 3) return out;
  const auto rx = average_ranks(x);
  const auto ry = average_ranks(y);
  const bool constant = std::all_of(rx.begin(), rx.end(), [&](double r) { return r == rx[0]; }) ||
                        std::all_of(ry.begin(), ry.end(), [&](double r) { return r == ry[0]; });
  if (constant) return out;
  out.rho = std::clamp(boost::math::statistics::correlation_coefficient(rx, ry), -1.0, 1.0);
  const double dof = static_cast<double>(out.n) - 2;
  if (std::abs(out.rho) >= 1.0) {
    out.p_value = 0.0;
  } else {
    const double t = out.rho * std::sqrt(dof / (1 - out.rho * out.rho));
    const boost::math::students_t distribution(dof);
    out.p_value = 2 * boost::math::cdf(boost::math::complement(distribution, std::abs(t)));
  }
  return out;
}

}  // namespace gcbench
