#include "stats/welch.hpp"

#include <boost/math/distributions/students_t.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "stats/rank_tests.hpp"

namespace gcbench {

WelchResult welch_t_test(const std::vector<double>& first, const std::vector<double>& second) {
  if (first.size() < 2 || second.size() < 2) {
    throw std::invalid_argument("welch_t_test needs at least 2 values in each sample");
  }
  WelchResult out;
  out.difference = mean(second) - mean(first);
  const double s1 = sample_standard_deviation(first), s2 = sample_standard_deviation(second);
  const double v1 = s1 * s1 / static_cast<double>(first.size());
  const double v2 = s2 * s2 / static_cast<double>(second.size());
  const double standard_error = std::sqrt(v1 + v2);
  if (standard_error == 0) {
    out.low = out.high = out.difference;
    out.t = out.difference == 0 ? 0 : std::copysign(std::numeric_limits<double>::infinity(), out.difference);
    out.degrees_of_freedom = static_cast<double>(first.size() + second.size() - 2);
    out.p_value = out.difference == 0 ? 1 : 0;
    return out;
  }
  out.t = out.difference / standard_error;
  out.degrees_of_freedom = (v1 + v2) * (v1 + v2) /
                           (v1 * v1 / static_cast<double>(first.size() - 1) + v2 * v2 / static_cast<double>(second.size() - 1));
  const boost::math::students_t t(out.degrees_of_freedom);
  out.p_value = 2 * boost::math::cdf(boost::math::complement(t, std::abs(out.t)));
  const double half_width = boost::math::quantile(boost::math::complement(t, 0.025)) * standard_error;
  out.low = out.difference - half_width;
  out.high = out.difference + half_width;
  return out;
}

}  // namespace gcbench
