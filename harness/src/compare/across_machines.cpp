#include "compare/across_machines.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "record/headline_metrics.hpp"
#include "stats/rank_tests.hpp"
#include "stats/welch.hpp"

namespace gcbench {

namespace {

// "conv4 training.lr=0.01 seeds 0-4": the place a finding speaks of, and over which seeds.
std::string place_label(const RunRecord& record, const std::vector<std::int64_t>& seeds) {
  std::string label = record.variant.empty() ? "(suite)" : record.variant;
  for (const auto& [key, value] : record.swept.items()) {
    label += fmt::format(" {}={}", key, value.is_string() ? value.get<std::string>() : value.dump());
  }
  return label + fmt::format(" seeds {}", fmt::join(seeds, ","));
}

struct Place {
  const RunRecord* first = nullptr;  // names the place
  std::vector<std::int64_t> seeds;
  // metric -> kind and its values over the seeds ok on both sides, baseline then contender
  std::map<std::string, MetricKind> kinds;
  std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> values;
  // metric -> its values at the seeds where only the baseline (first) or only the contender has it,
  // e.g. a metric a newer gcbench added
  std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> one_side;
};

// A metric one side has and the other lacks, at some of a place's seeds: listed, not judged.
Finding one_side_finding(const std::string& subject, const std::string& metric, const std::vector<double>& values, Verdict side,
                         std::size_t seeds) {
  Finding f{side, subject, metric, std::nullopt, std::nullopt, std::nullopt, "", ""};
  (side == Verdict::only_in_baseline ? f.baseline : f.contender) = mean(values);
  f.note = fmt::format("at {} of {} seeds", values.size(), seeds);
  return f;
}

bool all_positive(const std::vector<double>& values) {
  return std::all_of(values.begin(), values.end(), [](double v) { return v > 0; });
}

double geometric_mean(const std::vector<double>& values) {
  double sum = 0;
  for (const double v : values) sum += std::log(v);
  return std::exp(sum / static_cast<double>(values.size()));
}

Finding judge(const std::string& subject, const std::string& metric, MetricKind kind, const std::vector<double>& base,
              const std::vector<double>& cont, double alpha) {
  Finding f{Verdict::unchanged, subject, metric, std::nullopt, std::nullopt, std::nullopt, "", ""};
  if (base.size() < 2) {
    f.baseline = base.empty() ? std::nullopt : std::optional<double>(base.front());
    f.contender = cont.empty() ? std::nullopt : std::optional<double>(cont.front());
    f.note = "fewer than 2 seeds ok on both sides: not judged across machines";
    return f;
  }
  const bool logarithm = kind != MetricKind::accuracy && all_positive(base) && all_positive(cont);
  std::vector<double> a = base, b = cont;
  if (logarithm) {
    for (auto& v : a) v = std::log(v);
    for (auto& v : b) v = std::log(v);
  }
  const auto test = welch_t_test(a, b);
  f.p_value = test.p_value;
  if (logarithm) {
    f.baseline = geometric_mean(base);
    f.contender = geometric_mean(cont);
    f.test = "welch t on log";
    f.note = fmt::format("geometric means over {} seeds; ratio {:.3g}, 95% CI [{:.3g}, {:.3g}]", base.size(),
                         std::exp(test.difference), std::exp(test.low), std::exp(test.high));
  } else {
    f.baseline = mean(base);
    f.contender = mean(cont);
    f.test = "welch t";
    f.note = fmt::format("means over {} seeds; difference {:+.4g}, 95% CI [{:+.4g}, {:+.4g}]", base.size(), test.difference,
                         test.low, test.high);
  }
  if (test.p_value < alpha) {
    if (kind == MetricKind::accuracy) {
      f.verdict = test.difference < 0 ? Verdict::regressed : Verdict::improved;
    } else {
      f.verdict = Verdict::regressed;
    }
  }
  return f;
}

}  // namespace

std::vector<Finding> judge_over_seeds(const std::vector<std::pair<const RunRecord*, const RunRecord*>>& pairs, double alpha) {
  std::map<std::string, Place> places;  // in the order of their first run's plan place
  std::vector<std::string> order;
  for (const auto& [base, cont] : pairs) {
    if (base->status != RunStatus::ok || cont->status != RunStatus::ok) continue;  // a status finding says so, per run
    const std::string key = fmt::format("{}\n{}", base->variant, base->swept.dump());
    auto [it, inserted] = places.try_emplace(key);
    if (inserted) order.push_back(key);
    Place& place = it->second;
    if (!place.first || base->index < place.first->index) place.first = base;
    place.seeds.push_back(base->seed);
    std::map<std::string, HeadlineMetric> contender;
    for (auto& metric : headline_metrics(*cont)) contender.emplace(metric.name, std::move(metric));
    for (const auto& metric : headline_metrics(*base)) {
      if (metric.kind == MetricKind::time) continue;
      const auto other = contender.find(metric.name);
      if (other == contender.end()) {
        place.one_side[metric.name].first.push_back(metric.value);
        continue;
      }
      place.kinds[metric.name] = metric.kind;
      place.values[metric.name].first.push_back(metric.value);
      place.values[metric.name].second.push_back(other->second.value);
      contender.erase(other);
    }
    for (const auto& [name, metric] : contender) {
      if (metric.kind != MetricKind::time) place.one_side[name].second.push_back(metric.value);
    }
  }
  std::sort(order.begin(), order.end(),
            [&](const auto& a, const auto& b) { return places[a].first->index < places[b].first->index; });
  std::vector<Finding> findings;
  for (const auto& key : order) {
    auto& place = places[key];
    std::sort(place.seeds.begin(), place.seeds.end());
    const std::string subject = place_label(*place.first, place.seeds);
    for (const auto& [metric, values] : place.values) {
      findings.push_back(judge(subject, metric, place.kinds[metric], values.first, values.second, alpha));
    }
    for (const auto& [metric, values] : place.one_side) {
      const auto seeds = place.seeds.size();
      if (!values.first.empty()) {
        findings.push_back(one_side_finding(subject, metric, values.first, Verdict::only_in_baseline, seeds));
      }
      if (!values.second.empty()) {
        findings.push_back(one_side_finding(subject, metric, values.second, Verdict::only_in_contender, seeds));
      }
    }
  }
  return findings;
}

}  // namespace gcbench
