#include "stats/correlation.hpp"

#include <boost/math/distributions/students_t.hpp>
#include <boost/math/statistics/bivariate_statistics.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace gcbench {
namespace {

// The share of all orderings of ry whose rank correlation with rx is at least as
// far from 0 as the observed one. Ranks keep their mean and spread under
// permutation, so comparing sums of centred products compares correlations.
double exact_p_value(const std::vector<double>& rx, const std::vector<double>& ry) {
  const double mean = (static_cast<double>(rx.size()) + 1) / 2;
  std::vector<double> cx(rx.size()), cy(ry.size());
  for (std::size_t i = 0; i < rx.size(); ++i) {
    cx[i] = rx[i] - mean;
    cy[i] = ry[i] - mean;
  }
  double observed = 0;
  for (std::size_t i = 0; i < cx.size(); ++i) observed += cx[i] * cy[i];
  const double threshold = std::abs(observed) - 1e-9;
  std::vector<std::size_t> order(cy.size());
  std::iota(order.begin(), order.end(), 0);
  std::uint64_t as_extreme = 0, total = 0;
  do {
    double sum = 0;
    for (std::size_t i = 0; i < cx.size(); ++i) sum += cx[i] * cy[order[i]];
    as_extreme += std::abs(sum) >= threshold;
    ++total;
  } while (std::next_permutation(order.begin(), order.end()));
  return static_cast<double>(as_extreme) / static_cast<double>(total);
}

}  // namespace

namespace {

// Spearman's rho from ranks; NaN when either is constant.
double rho_of_ranks(const std::vector<double>& rx, const std::vector<double>& ry) {
  const bool constant = std::all_of(rx.begin(), rx.end(), [&](double r) { return r == rx[0]; }) ||
                        std::all_of(ry.begin(), ry.end(), [&](double r) { return r == ry[0]; });
  if (constant) return std::numeric_limits<double>::quiet_NaN();
  return std::clamp(boost::math::statistics::correlation_coefficient(rx, ry), -1.0, 1.0);
}

}  // namespace

double spearman_rho(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size() || x.size() < 3) return std::numeric_limits<double>::quiet_NaN();
  return rho_of_ranks(average_ranks(x), average_ranks(y));
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
  out.rho = rho_of_ranks(rx, ry);
  if (std::isnan(out.rho)) return out;
  const double dof = static_cast<double>(out.n) - 2;
  if (out.n <= kExactSpearmanRuns) {
    out.p_value = exact_p_value(rx, ry);
  } else if (std::abs(out.rho) >= 1.0) {
    out.p_value = 0.0;
  } else {
    const double t = out.rho * std::sqrt(dof / (1 - out.rho * out.rho));
    const boost::math::students_t distribution(dof);
    out.p_value = 2 * boost::math::cdf(boost::math::complement(distribution, std::abs(t)));
  }
  return out;
}

}  // namespace gcbench
