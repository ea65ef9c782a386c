// When compare calls a change a regression. Read from a TOML file
// (`gcbench compare --thresholds FILE`); every key is optional and defaults to
// the value below. suites/nightly.thresholds.toml is the nightly job's.
//
//   alpha = 0.05                 significance level of every test
//   [accuracy]  absolute = 0.01  few-shot: mean drop beyond this AND paired p < alpha;
//                                source test accuracy (no test possible): drop beyond this
//   [gc]        relative = 0.05  GC per estimator: a move beyond this, either way
//   [nc]        relative = 0.05  CDNV and NC1, source and target: a move beyond this, either way
//   [time]      relative = 0.5   a phase's seconds grown beyond this (one sample each side:
//               min_seconds = 1  no test is possible); shorter phases are not compared
//   [benchmark] relative = 0.10  median time grown beyond this AND Mann-Whitney p < alpha
//               statistic = "real_time"   or "cpu_time"
//               paired_relative = 0.02   a paired file (bench --against): the 95% interval of
//                                        the contender/baseline time ratio lies wholly above
//                                        1 + this (or wholly below 1 / (1 + this): improved)
//               instructions_relative = 0.01   files of bench --instructions: the count grown
//                                              beyond this (a count all but repeats, to ~0.05%
//                                              between builds: no test needed)
//   [benchmark.paired_relative_for]      a case's own paired_relative, by a regex on its name
//               "^train_step/conv4/" = 0.005   (the smallest of those that match; none: the above)
//   [across_machines] alpha = 0.01   compare --across-machines: a metric's seeds on the two
//                                    machines differ by Welch's t-test at this level (at each
//                                    variant and sweep point; GC and NC on their logarithm)
//   [runs]      missing_is_regression = true   a run of the baseline without a record
//                                              in the contender
//
// GC and NC regress either way: gcbench measures them, so a move in either
// direction means the measurement or the training changed.
#pragma once

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

namespace gcbench {

// One entry of [benchmark.paired_relative_for], its regex compiled once when read.
struct CaseThreshold {
  std::string pattern;
  std::regex regex;
  double relative = 0;
};

struct Thresholds {
  double alpha = 0.05;
  double accuracy_absolute = 0.01;
  double gc_relative = 0.05;
  double nc_relative = 0.05;
  double time_relative = 0.5;
  double time_min_seconds = 1.0;
  double benchmark_relative = 0.10;
  std::string benchmark_statistic = "real_time";
  double benchmark_paired_relative = 0.02;
  std::vector<CaseThreshold> benchmark_paired_relative_for;
  double benchmark_instructions_relative = 0.01;
  double across_machines_alpha = 0.01;
  bool missing_is_regression = true;

  // The paired threshold of the benchmark named `name`: the smallest of benchmark_paired_relative_for's
  // that match it (std::regex_search), or benchmark_paired_relative.
  double paired_relative_of(const std::string& name) const;
};

// Throws std::runtime_error naming the file and the key that is unknown, mistyped or out of range.
Thresholds read_thresholds(const std::filesystem::path& file);

}  // namespace gcbench
