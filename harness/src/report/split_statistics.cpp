#include "report/split_statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>

namespace gcbench {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Split {
  std::string name;
  std::vector<double> x, y;
};

// The run-weighted mean of the measurable per-split rhos, and the runs it covers.
std::pair<double, std::size_t> pooled_rho(const std::vector<Split>& splits, std::size_t* measurable = nullptr) {
  double weighted = 0;
  std::size_t runs = 0, counted = 0;
  for (const auto& split : splits) {
    const double rho = spearman_rho(split.x, split.y);
    if (std::isnan(rho)) continue;
    weighted += rho * static_cast<double>(split.x.size());
    runs += split.x.size();
    ++counted;
  }
  if (measurable) *measurable = counted;
  return {runs > 0 ? weighted / static_cast<double>(runs) : kNaN, runs};
}

double percentile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  const double position = q * static_cast<double>(values.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const auto above = std::min(below + 1, values.size() - 1);
  return values[below] + (position - static_cast<double>(below)) * (values[above] - values[below]);
}

}  // namespace

SplitAwareCorrelation split_aware_spearman(const std::vector<std::string>& split_of, const std::vector<double>& x,
                                           const std::vector<double>& y, std::uint64_t seed, int resamples) {
  std::vector<Split> splits;
  std::map<std::string, std::size_t> position;
  for (std::size_t i = 0; i < split_of.size() && i < x.size() && i < y.size(); ++i) {
    const auto [at, added] = position.emplace(split_of[i], splits.size());
    if (added) splits.push_back({split_of[i], {}, {}});
    splits[at->second].x.push_back(x[i]);
    splits[at->second].y.push_back(y[i]);
  }
  SplitAwareCorrelation out;
  for (const auto& split : splits) out.per_split.push_back({split.name, spearman(split.x, split.y)});
  std::tie(out.pooled.rho, out.pooled.runs) = pooled_rho(splits, &out.pooled.splits);
  out.pooled.low = out.pooled.high = kNaN;
  if (std::isnan(out.pooled.rho)) return out;

  // Each replicate draws every split's runs with replacement, keeping its size;
  // a replicate in which no split is measurable (all ties) is drawn again.
  std::mt19937_64 generator(seed);
  std::vector<double> replicates;
  std::vector<Split> drawn(splits.size());
  for (int attempt = 0; static_cast<int>(replicates.size()) < resamples && attempt < 10 * resamples; ++attempt) {
    for (std::size_t s = 0; s < splits.size(); ++s) {
      const auto n = splits[s].x.size();
      drawn[s].x.resize(n);
      drawn[s].y.resize(n);
      for (std::size_t i = 0; i < n; ++i) {
        const auto pick = static_cast<std::size_t>(generator() % n);
        drawn[s].x[i] = splits[s].x[pick];
        drawn[s].y[i] = splits[s].y[pick];
      }
    }
    const double rho = pooled_rho(drawn).first;
    if (!std::isnan(rho)) replicates.push_back(rho);
  }
  if (replicates.empty()) return out;
  out.pooled.low = percentile(replicates, 0.025);
  out.pooled.high = percentile(replicates, 0.975);
  return out;
}

}  // namespace gcbench
