// A sweep read as a curve, not only a rank: each headline metric against each
// swept numeric key, per variant, with the mean and 95% interval over the runs
// at each value (splits x seeds), a sentence on the curve's shape, and the runs
// that did not fit the source task marked, so no one reads them as collapse.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "report/suite_results.hpp"

namespace gcbench {

// A run is underfit when its source train accuracy lies more than this far
// below the median of the report's runs.
inline constexpr double kUnderfitMargin = 0.05;

struct DosePoint {
  std::size_t runs = 0;   // runs with this metric at this value
  double mean = 0;        // NaN when no run has it
  double half_width = 0;  // of the 95% Student-t interval of the mean; NaN with fewer than 2 runs
  double low() const { return mean - half_width; }
  double high() const { return mean + half_width; }
};

struct DoseMetric {
  std::string name;               // "target NC (CDNV)"
  std::vector<DosePoint> points;  // one per value of the sweep
  std::string reading;            // "falls from 0.41 at 0 to 0.12 at 0.1", "peaks inside the range: ..."
};

// One run as a sweep shows it.
struct DoseRun {
  double value = 0;  // of the swept key
  bool underfit = false;
  std::vector<std::optional<double>> metrics;  // aligned with DoseSweep::metrics
};

// One swept key within one variant, every other swept key held at one value.
struct DoseSweep {
  std::string variant;
  std::string key;                    // "training.gc_penalty"
  std::string fixed;                  // "training.lr=0.01", or "" when nothing else is swept
  std::vector<double> values;         // distinct, ascending
  std::vector<std::size_t> runs;      // ok runs at each value
  std::vector<std::size_t> underfit;  // of those, how many are underfit
  std::vector<DoseMetric> metrics;    // source GC, source NC, target NC, few-shot accuracy, source train accuracy
  std::vector<DoseRun> each_run;      // for the plots
};

struct DoseResponse {
  std::vector<DoseSweep> sweeps;
  double median_train_accuracy = 0;  // over every ok run with one; NaN when none has
  double underfit_below = 0;         // the median minus kUnderfitMargin
  std::size_t underfit_runs = 0;
};

// Sweeps of numeric keys with at least 3 distinct values (fewer make no curve),
// over runs with status ok. A swept class split or seed (`dataset.options.split_seed`,
// any key ending in "seed") is a replicate: it gets no curve, and curves pool over it.
DoseResponse dose_response(const std::vector<RunGroup>& groups, const Headline& headline);

// The shape of one metric's curve, in words: flat within its intervals; peaks
// or dips strictly inside the range (the extreme value's interval clear of both
// ends' means); rises or falls monotonically; or not monotone within noise.
std::string read_curve(const std::vector<double>& values, const std::vector<DosePoint>& points, const std::string& key);

// The report's words before the tables: what a cell holds and the underfit threshold.
std::string dose_intro(const DoseResponse& response);
// A sweep as a table: the header (the key, runs, each metric), then one row per
// value, each cell "mean [low, high]" and the runs column "n (u underfit)".
std::vector<std::vector<std::string>> dose_table(const DoseSweep& sweep);
// "(variant x; training.lr=0.01)", or "" for a plain sweep.
std::string dose_context(const DoseSweep& sweep);

// Whether a run is underfit for `response`'s threshold.
bool is_underfit(const RunMeasures& run, const DoseResponse& response);

}  // namespace gcbench
