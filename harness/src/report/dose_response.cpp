#include "report/dose_response.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "stats/rank_tests.hpp"

namespace gcbench {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

DosePoint point_of(const std::vector<double>& values) {
  DosePoint point;
  point.runs = values.size();
  if (values.empty()) {
    point.mean = point.half_width = kNaN;
    return point;
  }
  const auto interval = mean_with_ci95(values);
  point.mean = interval.mean;
  point.half_width = values.size() > 1 ? interval.half_width : kNaN;
  return point;
}

std::string number(double value) { return fmt::format("{:.3g}", value); }

std::string with_interval(const DosePoint& point) {
  if (std::isnan(point.half_width)) return number(point.mean);
  return fmt::format("{} [{}, {}]", number(point.mean), number(point.low()), number(point.high()));
}

// A class split or a seed is a replicate, not a dose: curves pool over it.
bool is_replicate(const std::string& key) {
  const auto leaf = key.substr(key.rfind('.') == std::string::npos ? 0 : key.rfind('.') + 1);
  return leaf == "seed" || (leaf.size() > 5 && leaf.compare(leaf.size() - 5, 5, "_seed") == 0);
}

// "lr=0.01" for every swept key but `key` and the replicates, in key order.
std::string others(const nlohmann::json& swept, const std::string& key) {
  std::vector<std::string> parts;
  for (const auto& [name, value] : swept.items()) {
    if (name != key && !is_replicate(name)) parts.push_back(name + "=" + value_label(value));
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace

bool is_underfit(const RunMeasures& run, const DoseResponse& response) {
  return run.train_accuracy && !std::isnan(response.underfit_below) && *run.train_accuracy < response.underfit_below;
}

std::string read_curve(const std::vector<double>& values, const std::vector<DosePoint>& points, const std::string& key) {
  std::vector<std::size_t> at;  // the values with a measurement
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (!std::isnan(points[i].mean)) at.push_back(i);
  }
  if (at.size() < 3) return "too few values to read a shape";
  const auto value_text = [&](std::size_t i) { return fmt::format("{} = {}", key, number(values[i])); };
  const auto& first = points[at.front()];
  const auto& last = points[at.back()];
  const bool intervals = std::all_of(at.begin(), at.end(), [&](std::size_t i) { return !std::isnan(points[i].half_width); });

  if (intervals) {
    double highest_low = -std::numeric_limits<double>::infinity(), lowest_high = std::numeric_limits<double>::infinity();
    for (const auto i : at) {
      highest_low = std::max(highest_low, points[i].low());
      lowest_high = std::min(lowest_high, points[i].high());
    }
    if (highest_low <= lowest_high) {
      return fmt::format("flat within its intervals: one value ({}) lies in every value's interval, from {} at {} to {} at {}",
                         number(highest_low), with_interval(first), number(values[at.front()]), with_interval(last),
                         number(values[at.back()]));
    }
  }
  // An extreme strictly inside the range, clear of both ends: the curve turns.
  const auto top = *std::max_element(at.begin(), at.end(), [&](auto a, auto b) { return points[a].mean < points[b].mean; });
  const auto bottom = *std::min_element(at.begin(), at.end(), [&](auto a, auto b) { return points[a].mean < points[b].mean; });
  const auto ends = fmt::format("{} at {}, {} at {}", with_interval(first), number(values[at.front()]), with_interval(last),
                                number(values[at.back()]));
  const auto inside = [&](std::size_t i) { return i != at.front() && i != at.back(); };
  const auto bound = [&](std::size_t i, bool lower) {
    return std::isnan(points[i].half_width) ? points[i].mean : lower ? points[i].low() : points[i].high();
  };
  if (inside(top) && bound(top, true) > std::max(first.mean, last.mean)) {
    return fmt::format("not monotone: peaks inside the range, {} at {}, above both ends ({})", with_interval(points[top]),
                       value_text(top), ends);
  }
  if (inside(bottom) && bound(bottom, false) < std::min(first.mean, last.mean)) {
    return fmt::format("not monotone: dips inside the range, {} at {}, below both ends ({})", with_interval(points[bottom]),
                       value_text(bottom), ends);
  }
  bool rises = true, falls = true;
  for (std::size_t k = 1; k < at.size(); ++k) {
    rises = rises && points[at[k]].mean >= points[at[k - 1]].mean;
    falls = falls && points[at[k]].mean <= points[at[k - 1]].mean;
  }
  const auto from_to = fmt::format("from {} at {} to {} at {}", with_interval(first), number(values[at.front()]),
                                   with_interval(last), number(values[at.back()]));
  if (rises || falls) return fmt::format("{} monotonically, {}", rises ? "rises" : "falls", from_to);
  return fmt::format("not monotone, but no turn clears its intervals: {}", from_to);
}

std::string dose_intro(const DoseResponse& response) {
  std::string intro =
      "Each swept numeric key as a curve: every headline measure at each value of the key, the mean over the runs "
      "there (class splits x seeds) with its 95% Student-t interval, and a reading of the curve's shape. A rank "
      "correlation assumes the relation is monotone; these say where it is not.";
  if (std::isnan(response.median_train_accuracy)) return intro;
  return intro + fmt::format(
                     " Runs whose source train accuracy is below {} (the median {}, minus {}) did not fit the source "
                     "task: they are counted as underfit ({} of them) and drawn as red crosses, so their low NC is not read "
                     "as collapse.",
                     number(response.underfit_below), number(response.median_train_accuracy), kUnderfitMargin,
                     response.underfit_runs);
}

std::vector<std::vector<std::string>> dose_table(const DoseSweep& sweep) {
  std::vector<std::vector<std::string>> table{{sweep.key, "runs"}};
  for (const auto& metric : sweep.metrics) table.front().push_back(metric.name);
  for (std::size_t i = 0; i < sweep.values.size(); ++i) {
    std::vector<std::string> row{fmt::format("{:g}", sweep.values[i]),
                                 sweep.underfit[i] > 0 ? fmt::format("{} ({} underfit)", sweep.runs[i], sweep.underfit[i])
                                                       : std::to_string(sweep.runs[i])};
    for (const auto& metric : sweep.metrics) {
      row.push_back(std::isnan(metric.points[i].mean) ? "-" : with_interval(metric.points[i]));
    }
    table.push_back(std::move(row));
  }
  return table;
}

std::string dose_context(const DoseSweep& sweep) {
  std::vector<std::string> parts;
  if (!sweep.variant.empty()) parts.push_back("variant " + sweep.variant);
  if (!sweep.fixed.empty()) parts.push_back(sweep.fixed);
  return parts.empty() ? "" : fmt::format(" ({})", fmt::join(parts, "; "));
}

namespace {

using Metrics = std::vector<std::pair<std::string, std::optional<double> RunMeasures::*>>;

// The headline measures a sweep is read by, in the order tables and plots show them.
Metrics dose_metrics(const Headline& headline) {
  return {{fmt::format("source GC ({})", headline.gc_estimator), &RunMeasures::source_gc},
          {"source NC (CDNV)", &RunMeasures::source_nc},
          {"target NC (CDNV)", &RunMeasures::target_nc},
          {fmt::format("{}-shot accuracy ({})", headline.shots, headline.classifier), &RunMeasures::accuracy},
          {"source train accuracy", &RunMeasures::train_accuracy}};
}

// The swept keys of a group whose values are numbers in every ok run, replicates left out.
std::vector<std::string> numeric_keys(const RunGroup& group) {
  std::map<std::string, bool> numeric;
  for (const auto& run : group.runs) {
    if (run.status != RunStatus::ok) continue;
    for (const auto& [key, value] : run.swept.items()) {
      const auto [entry, inserted] = numeric.emplace(key, true);
      entry->second = entry->second && value.is_number();
    }
  }
  std::vector<std::string> keys;
  for (const auto& [key, is_numeric] : numeric) {
    if (is_numeric && !is_replicate(key)) keys.push_back(key);
  }
  return keys;
}

// One sweep of `key` over `runs` (ok runs sharing every other swept value).
DoseSweep sweep_of(const std::string& variant, const std::string& key, const std::string& fixed,
                   const std::vector<const RunMeasures*>& runs, const Metrics& metrics, const DoseResponse& response) {
  DoseSweep sweep{variant, key, fixed, {}, {}, {}, {}, {}};
  for (const auto* run : runs) sweep.values.push_back(run->swept[key].get<double>());
  std::sort(sweep.values.begin(), sweep.values.end());
  sweep.values.erase(std::unique(sweep.values.begin(), sweep.values.end()), sweep.values.end());
  sweep.runs.assign(sweep.values.size(), 0);
  sweep.underfit.assign(sweep.values.size(), 0);
  std::vector<std::vector<const RunMeasures*>> at_value(sweep.values.size());
  for (const auto* run : runs) {
    const auto i = static_cast<std::size_t>(
        std::lower_bound(sweep.values.begin(), sweep.values.end(), run->swept[key].get<double>()) - sweep.values.begin());
    at_value[i].push_back(run);
    ++sweep.runs[i];
    DoseRun row{sweep.values[i], is_underfit(*run, response), {}};
    for (const auto& metric : metrics) row.metrics.push_back(run->*(metric.second));
    sweep.underfit[i] += row.underfit ? 1 : 0;
    sweep.each_run.push_back(std::move(row));
  }
  for (const auto& [name, field] : metrics) {
    DoseMetric metric{name, {}, {}};
    for (const auto& runs_here : at_value) {
      std::vector<double> values;
      for (const auto* run : runs_here) {
        if ((run->*field) && std::isfinite(*(run->*field))) values.push_back(*(run->*field));
      }
      metric.points.push_back(point_of(values));
    }
    metric.reading = read_curve(sweep.values, metric.points, key);
    sweep.metrics.push_back(std::move(metric));
  }
  return sweep;
}

}  // namespace

DoseResponse dose_response(const std::vector<RunGroup>& groups, const Headline& headline) {
  DoseResponse response;
  std::vector<double> train_accuracies;
  for (const auto& group : groups) {
    for (const auto& run : group.runs) {
      if (run.status == RunStatus::ok && run.train_accuracy) train_accuracies.push_back(*run.train_accuracy);
    }
  }
  response.median_train_accuracy = train_accuracies.empty() ? kNaN : median(train_accuracies);
  response.underfit_below = response.median_train_accuracy - kUnderfitMargin;
  for (const auto& group : groups) {
    for (const auto& run : group.runs) response.underfit_runs += run.status == RunStatus::ok && is_underfit(run, response);
  }

  const auto metrics = dose_metrics(headline);
  for (const auto& group : groups) {
    for (const auto& key : numeric_keys(group)) {
      std::map<std::string, std::vector<const RunMeasures*>> by_fixed;  // the other keys' values -> runs
      for (const auto& run : group.runs) {
        if (run.status == RunStatus::ok && run.swept.contains(key)) by_fixed[others(run.swept, key)].push_back(&run);
      }
      for (const auto& [fixed, runs] : by_fixed) {
        auto sweep = sweep_of(group.variant, key, fixed, runs, metrics, response);
        if (sweep.values.size() >= 3) response.sweeps.push_back(std::move(sweep));
      }
    }
  }
  return response;
}

}  // namespace gcbench
