#include "compare/compare_results.hpp"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <set>

#include "compare/across_machines.hpp"
#include "config/config_difference.hpp"
#include "record/headline_metrics.hpp"
#include "record/machine_identity.hpp"
#include "record/results_folder.hpp"
#include "stats/rank_tests.hpp"

namespace gcbench {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Side {
  fs::path path;
  std::vector<RunRecord> records;
  std::optional<json> plan;
  std::string suite;
};

Side read_side(const fs::path& path, const char* which) {
  if (!fs::exists(path)) throw CannotCompare(fmt::format("the {} folder {} does not exist", which, path.string()));
  try {
    auto folder = ResultsFolder::open(path);
    auto list = folder.read_records();
    if (!list.problems.empty()) {
      throw CannotCompare(fmt::format("the {} records cannot all be read:\n  {}", which, fmt::join(list.problems, "\n  ")));
    }
    if (list.records.empty())
      throw CannotCompare(fmt::format("the {} folder {} holds no records", which, folder.path().string()));
    Side side{folder.path(), std::move(list.records), folder.read_plan(), {}};
    side.suite = side.records.front().suite;
    return side;
  } catch (const CannotCompare&) {
    throw;
  } catch (const std::exception& error) {
    throw CannotCompare(fmt::format("the {} cannot be read: {}", which, error.what()));
  }
}

// The last record of each run id (a folder holds one per run; a later one supersedes).
std::map<std::string, const RunRecord*> by_run_id(const std::vector<RunRecord>& records) {
  std::map<std::string, const RunRecord*> out;
  for (const auto& record : records) out[record.run_id] = &record;
  return out;
}

std::set<std::string> planned_ids(const Side& side) {
  std::set<std::string> ids;
  if (side.plan) {
    for (const auto& run : *side.plan) ids.insert(run.value("run_id", ""));
  } else {
    for (const auto& record : side.records) ids.insert(record.run_id);
  }
  return ids;
}

struct ConfigDifference {
  std::vector<std::string> changed;   // "key (a vs b)": a value both sides have, differing
  std::vector<std::string> one_side;  // "key (only in the contender)": e.g. a key a newer gcbench added
};

ConfigDifference config_difference(const json& a, const json& b) {
  ConfigDifference out;
  for (const auto& difference : config_differences(a, b)) {
    if (!difference.second)
      out.one_side.push_back(difference.key + " (only in the baseline)");
    else if (!difference.first)
      out.one_side.push_back(difference.key + " (only in the contender)");
    else
      out.changed.push_back(fmt::format("{} ({} vs {})", difference.key, difference.first->dump(), difference.second->dump()));
  }
  return out;
}

// Where a run sits in its suite's plan, whatever its config hashes to.
std::string place_of(const RunRecord& record) {
  return fmt::format("{}\n{}\n{}", record.variant, record.swept.dump(), record.seed);
}

Finding accuracy_finding(const std::string& subject, const HeadlineMetric& base, const HeadlineMetric& cont,
                         const Thresholds& t) {
  Finding f{Verdict::unchanged, subject, base.name, base.value, cont.value, std::nullopt, "threshold", ""};
  const double delta = cont.value - base.value;
  bool significant = true;
  if (!base.per_episode.empty() && base.per_episode.size() == cont.per_episode.size()) {
    std::vector<double> differences(base.per_episode.size());
    for (std::size_t e = 0; e < differences.size(); ++e) differences[e] = cont.per_episode[e] - base.per_episode[e];
    const auto test = wilcoxon_signed_rank(differences);
    const auto interval = mean_with_ci95(differences);
    f.p_value = test.p_value;
    f.test = "wilcoxon signed-rank";
    f.note = fmt::format("mean diff {:+.4f}, 95% CI [{:+.4f}, {:+.4f}], {} episodes, {} differ", interval.mean,
                         interval.mean - interval.half_width, interval.mean + interval.half_width, differences.size(), test.n);
    significant = test.p_value < t.alpha;
  } else if (!base.per_episode.empty() || !cont.per_episode.empty()) {
    f.note = "episode counts differ: threshold only";
  } else {
    f.note = "one value per run: threshold only";
  }
  if (significant && delta < -t.accuracy_absolute) f.verdict = Verdict::regressed;
  if (significant && delta > t.accuracy_absolute) f.verdict = Verdict::improved;
  return f;
}

Finding either_way_finding(const std::string& subject, const HeadlineMetric& base, const HeadlineMetric& cont,
                           double relative_threshold, const char* key) {
  Finding f{Verdict::unchanged, subject, base.name, base.value, cont.value, std::nullopt, "threshold", ""};
  const auto relative = f.relative();
  const bool moved = relative ? std::abs(*relative) > relative_threshold : cont.value != base.value;
  if (moved) {
    f.verdict = Verdict::regressed;
    f.note = fmt::format("moved beyond {}.relative = {:g}", key, relative_threshold);
  }
  return f;
}

Finding time_finding(const std::string& subject, const HeadlineMetric& base, const HeadlineMetric& cont, const Thresholds& t) {
  Finding f{Verdict::unchanged, subject, base.name, base.value, cont.value, std::nullopt, "threshold", "one sample each side"};
  if (std::max(base.value, cont.value) < t.time_min_seconds) {
    f.note = fmt::format("under time.min_seconds = {:g}: not compared", t.time_min_seconds);
    return f;
  }
  const auto relative = f.relative();
  if (relative && *relative > t.time_relative) f.verdict = Verdict::regressed;
  if (relative && *relative < -t.time_relative) f.verdict = Verdict::improved;
  return f;
}

void compare_status(const std::string& subject, const RunRecord& base, const RunRecord& cont, std::vector<Finding>& findings) {
  if (base.status == cont.status) return;
  const bool worse = base.status == RunStatus::ok || (base.status == RunStatus::diverged && cont.status == RunStatus::failed);
  findings.push_back(
      {worse ? Verdict::regressed : Verdict::improved, subject, "status", std::nullopt, std::nullopt, std::nullopt, "status",
       fmt::format("{} -> {}{}", to_string(base.status), to_string(cont.status), cont.error.empty() ? "" : ": " + cont.error)});
}

void compare_metrics(const std::string& subject, const RunRecord& base, const RunRecord& cont, const Thresholds& t,
                     std::vector<Finding>& findings) {
  std::map<std::string, HeadlineMetric> contender;
  for (auto& metric : headline_metrics(cont)) contender.emplace(metric.name, std::move(metric));
  std::set<std::string> seen;
  for (const auto& metric : headline_metrics(base)) {
    seen.insert(metric.name);
    const auto other = contender.find(metric.name);
    if (other == contender.end()) {
      findings.push_back({Verdict::only_in_baseline, subject, metric.name, metric.value, std::nullopt, std::nullopt, "", ""});
      continue;
    }
    switch (metric.kind) {
      case MetricKind::accuracy:
        findings.push_back(accuracy_finding(subject, metric, other->second, t));
        break;
      case MetricKind::gc:
        findings.push_back(either_way_finding(subject, metric, other->second, t.gc_relative, "gc"));
        break;
      case MetricKind::nc:
        findings.push_back(either_way_finding(subject, metric, other->second, t.nc_relative, "nc"));
        break;
      case MetricKind::time:
        findings.push_back(time_finding(subject, metric, other->second, t));
        break;
    }
  }
  for (const auto& [name, metric] : contender) {
    if (!seen.count(name)) {
      findings.push_back({Verdict::only_in_contender, subject, name, std::nullopt, metric.value, std::nullopt, "", ""});
    }
  }
}

}  // namespace

Comparison compare_results(const fs::path& baseline_path, const fs::path& contender_path, const Thresholds& t,
                           const ResultsComparisonOptions& options) {
  const Side baseline = read_side(baseline_path, "baseline");
  const Side contender = read_side(contender_path, "contender");
  if (baseline.suite != contender.suite) {
    throw CannotCompare(fmt::format("the folders hold other suites: baseline '{}' ({}), contender '{}' ({})", baseline.suite,
                                    baseline.path.string(), contender.suite, contender.path.string()));
  }
  const auto base_runs = by_run_id(baseline.records);
  const auto cont_runs = by_run_id(contender.records);
  const auto base_planned = planned_ids(baseline), cont_planned = planned_ids(contender);

  // Runs match by run id; a run whose id the other side lacks matches the run at
  // its place in the plan when their configs differ only in keys one side lacks
  // (a key a newer gcbench added, at its default). Any other difference means the
  // suites ask different things: nothing to compare.
  std::map<std::string, const RunRecord*> cont_by_place;
  for (const auto& [id, record] : cont_runs) cont_by_place[place_of(*record)] = record;
  std::map<const RunRecord*, const RunRecord*> partner;  // baseline record -> contender record
  std::set<std::string> one_side_keys;
  for (const auto& [id, record] : base_runs) {
    const auto same_id = cont_runs.find(id);
    if (same_id != cont_runs.end()) {
      partner[record] = same_id->second;
      continue;
    }
    const auto same_place = cont_by_place.find(place_of(*record));
    if (same_place == cont_by_place.end() || base_runs.count(same_place->second->run_id)) continue;
    const auto difference = config_difference(record->config, same_place->second->config);
    if (!difference.changed.empty()) {
      throw CannotCompare(
          fmt::format("run '{}' has another config in the contender (suite '{}'): it differs in\n  {}\n"
                      "compare results of one suite as it was; refresh the baseline when the suite changes",
                      run_label(*record), baseline.suite, fmt::join(difference.changed, "\n  ")));
    }
    one_side_keys.insert(difference.one_side.begin(), difference.one_side.end());
    partner[record] = same_place->second;
  }
  if (partner.empty()) {
    const auto difference = config_difference(baseline.records.front().config, contender.records.front().config);
    auto keys = difference.changed;
    keys.insert(keys.end(), difference.one_side.begin(), difference.one_side.end());
    throw CannotCompare(fmt::format("the folders plan no run in common (suite '{}'): their configs differ in\n  {}",
                                    baseline.suite, fmt::join(keys, "\n  ")));
  }
  std::set<const RunRecord*> partnered;
  for (const auto& [base, cont] : partner) partnered.insert(cont);

  Comparison out{"results", baseline.path.string(), contender.path.string(), {}, {}};
  const auto& bp = baseline.records.front().provenance;
  const auto& cp = contender.records.front().provenance;
  out.notes.push_back(fmt::format("revisions: baseline {}, contender {}", bp.git_revision, cp.git_revision));
  const MachineIdentity base_machine = machine_identity(bp), cont_machine = machine_identity(cp);
  const IdentityDifferences machines = differences(base_machine, cont_machine);
  const bool across = !machines.differ.empty();
  if (across && !options.across_machines) {
    throw CannotCompare(fmt::format(
        "baselines from another machine: baseline {} ({}), contender {} ({}); they differ in\n  {}\n"
        "one seed's results differ between machines far beyond any threshold, so they are not the code's. Run the "
        "baseline revision on this machine (ci/nightly.sh does), or pass --across-machines to judge each metric over "
        "its seeds",
        describe(base_machine), bp.hostname, describe(cont_machine), cp.hostname, fmt::join(machines.differ, "\n  ")));
  }
  if (across) {
    out.notes.push_back(fmt::format(
        "across machines (baseline {}, contender {}; they differ in {}): one seed's results differ between machines, so "
        "each metric is judged over its seeds at each variant and sweep point, the contender's against the baseline's by "
        "Welch's t-test at across_machines.alpha = {:g} (GC and NC on their logarithm); times compare machines and are "
        "not judged",
        describe(base_machine), describe(cont_machine), fmt::join(machines.differ, "; "), t.across_machines_alpha));
  } else if (bp.hostname != cp.hostname) {
    out.notes.push_back(
        fmt::format("hosts differ ({} and {}), of one machine identity: {}", bp.hostname, cp.hostname, describe(base_machine)));
  }
  if (!machines.not_known.empty()) {
    out.notes.push_back(
        fmt::format("one side's records (an older gcbench's) do not say their {}: judged as one machine on what both say",
                    fmt::join(machines.not_known, ", ")));
  }
  std::set<std::string> data_changed;  // the datasets whose runs loaded other data on the two sides
  for (const auto& [base, cont] : partner) {
    if (!base->data_digest.empty() && !cont->data_digest.empty() && base->data_digest != cont->data_digest) {
      data_changed.insert(fmt::format("{} ({} vs {})", base->config.value("dataset", json::object()).value("plugin", "?"),
                                      base->data_digest.substr(0, 19), cont->data_digest.substr(0, 19)));
    }
  }
  if (!data_changed.empty()) {
    out.notes.push_back(
        fmt::format("the data differs: the runs loaded other data of {}; a change may come from the "
                    "data, not the code (`gcbench data verify` prints a folder's digest)",
                    fmt::join(data_changed, ", ")));
  }
  if (!across) {
    out.notes.push_back(fmt::format(
        "run and phase times are one sample per side, so no test is possible: a time regresses only past "
        "time.relative = {:+.0f}% (phases under {:g} s are not compared); `gcbench bench --repetitions` measures speed",
        100 * t.time_relative, t.time_min_seconds));
  }

  for (const auto& record : baseline.records) {
    if (base_runs.at(record.run_id) != &record) continue;  // superseded
    const std::string subject = run_label(record);
    const auto other = partner.find(&record);
    if (other == partner.end()) {
      const bool planned = cont_planned.count(record.run_id) > 0;
      out.findings.push_back(
          {planned && t.missing_is_regression ? Verdict::regressed : Verdict::only_in_baseline, subject, "run", std::nullopt,
           std::nullopt, std::nullopt, "",
           planned ? "planned by the contender, but it has no record of it (not run, or lost)" : "not planned by the contender"});
      continue;
    }
    compare_status(subject, record, *other->second, out.findings);
    if (!across) compare_metrics(subject, record, *other->second, t, out.findings);
  }
  if (across) {
    std::vector<std::pair<const RunRecord*, const RunRecord*>> pairs(partner.begin(), partner.end());
    for (auto& finding : judge_over_seeds(pairs, t.across_machines_alpha)) out.findings.push_back(std::move(finding));
  }
  if (!one_side_keys.empty()) {
    out.notes.push_back(
        fmt::format("runs matched by their place in the plan, their configs differing only in keys one "
                    "side lacks: {}",
                    fmt::join(one_side_keys, ", ")));
  }
  for (const auto& record : contender.records) {
    if (cont_runs.at(record.run_id) != &record || partnered.count(&record)) continue;
    out.findings.push_back({Verdict::only_in_contender, run_label(record), "run", std::nullopt, std::nullopt, std::nullopt, "",
                            base_planned.count(record.run_id) ? "planned by the baseline, which has no record of it"
                                                              : "not planned by the baseline"});
  }
  return out;
}

}  // namespace gcbench
