// Steps in a series of results over commits, in the spirit of airspeed
// velocity's detection: the series is split where one level becomes another,
// by binary segmentation, and a split is kept only when the two levels differ
// by more than the series' own noise allows and by more than `min_relative`.
#pragma once

#include <cstddef>
#include <vector>

namespace gcbench {

struct Step {
  std::size_t index = 0;  // the first point of the new level
  double before = 0;      // median of the level that ends at index - 1
  double after = 0;       // median of the level that starts at index
  double relative() const { return before != 0 ? (after - before) / before : 0.0; }
};

struct StepOptions {
  double min_relative = 0.05;   // smaller level changes are never steps
  double noise_multiple = 4.0;  // a step exceeds this many noise standard deviations
  std::size_t min_level = 2;    // points on each side of a step
};

// The series' noise: a robust standard deviation from successive differences
// (1.4826 * median |x[i+1] - x[i]| / sqrt 2), which one step barely moves.
double series_noise(const std::vector<double>& values);

// Steps in order of index.
std::vector<Step> detect_steps(const std::vector<double>& values, const StepOptions& options = {});

}  // namespace gcbench
