// Correlations over runs that come from several class splits. Pooling raw
// values across splits mixes their scales (one split's classes are simply
// harder), so the mechanism is read within each split: Spearman's rho per
// split, and a pooled within-split estimate (the mean of the per-split rhos,
// weighted by their runs) with a bootstrap 95% interval over runs resampled
// within their split.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stats/correlation.hpp"

namespace gcbench {

struct SplitCorrelation {
  std::string split;
  Correlation correlation;
};

struct PooledCorrelation {
  double rho = 0;            // NaN when no split has a measurable rho
  double low = 0, high = 0;  // the bootstrap 95% percentile interval; NaN when not measurable
  std::size_t splits = 0;    // splits with a measurable rho
  std::size_t runs = 0;      // their runs
  bool covers_zero() const { return low <= 0 && high >= 0; }
};

struct SplitAwareCorrelation {
  std::vector<SplitCorrelation> per_split;  // in order of first appearance
  PooledCorrelation pooled;
};

inline constexpr int kBootstrapResamples = 2000;

// split[i], x[i], y[i]: run i's split and measurements. The interval is
// reproducible from `seed`.
SplitAwareCorrelation split_aware_spearman(const std::vector<std::string>& split, const std::vector<double>& x,
                                           const std::vector<double>& y, std::uint64_t seed, int resamples = kBootstrapResamples);

}  // namespace gcbench
