#include "stats/hodges_lehmann.hpp"

#include <boost/math/distributions/normal.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace gcbench {
namespace {

constexpr std::size_t kExactUpTo = 60;

// P(T+ <= t) for t = 0 .. n(n+1)/2 under the null: T+ is the sum of a random
// subset of the ranks 1..n, each subset equally likely.
std::vector<double> signed_rank_cdf(std::size_t n) {
  const std::size_t most = n * (n + 1) / 2;
  std::vector<double> subsets(most + 1, 0.0);
  subsets[0] = 1;
  for (std::size_t rank = 1; rank <= n; ++rank) {
    for (std::size_t sum = most; sum >= rank; --sum) subsets[sum] += subsets[sum - rank];
  }
  const double all = std::ldexp(1.0, static_cast<int>(n));
  double running = 0;
  for (auto& count : subsets) {
    running += count;
    count = running / all;
  }
  return subsets;
}

}  // namespace

ShiftInterval hodges_lehmann(const std::vector<double>& values, double confidence) {
  if (values.empty()) throw std::invalid_argument("hodges_lehmann: no values");
  const std::size_t n = values.size();
  std::vector<double> walsh;
  walsh.reserve(n * (n + 1) / 2);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i; j < n; ++j) walsh.push_back((values[i] + values[j]) / 2);
  }
  std::sort(walsh.begin(), walsh.end());
  const std::size_t m = walsh.size();
  ShiftInterval out;
  out.estimate = m % 2 ? walsh[m / 2] : (walsh[m / 2 - 1] + walsh[m / 2]) / 2;

  // The interval is [walsh[k], walsh[m - 1 - k]] (0-based): the shift lies below
  // walsh[k] when at most k averages lie below it, which under the null is
  // P(T+ <= k). k is the largest with P(T+ <= k) <= (1 - confidence) / 2, or 0
  // (the widest interval) when even P(T+ = 0) is above that.
  const double tail = (1 - confidence) / 2;
  std::size_t k = 0;
  if (n <= kExactUpTo) {
    const auto cdf = signed_rank_cdf(n);
    while (k + 1 < cdf.size() && cdf[k + 1] <= tail) ++k;
    out.coverage = 1 - 2 * cdf[k];
  } else {
    const double nn = static_cast<double>(n);
    const double z = boost::math::quantile(boost::math::normal(), 1 - tail);
    const double cut = nn * (nn + 1) / 4 - z * std::sqrt(nn * (nn + 1) * (2 * nn + 1) / 24);
    k = cut > 0 ? static_cast<std::size_t>(std::floor(cut)) : 0;
    out.coverage = confidence;
  }
  k = std::min(k, (m - 1) / 2);
  out.low = walsh[k];
  out.high = walsh[m - 1 - k];
  return out;
}

}  // namespace gcbench
