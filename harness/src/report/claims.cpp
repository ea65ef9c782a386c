#include "report/claims.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>

#include "report/html_text.hpp"
#include "stats/rank_tests.hpp"
#include "util/atomic_file.hpp"

namespace gcbench {

namespace {

// One claim's result on one set of runs.
struct Outcome {
  bool measurable = false;
  std::string estimate, verdict;
  Evidence evidence = Evidence::none;
  double effect = 0;      // the estimate: rho, or the penalty's accuracy gain
  double half_width = 0;  // of its interval; NaN when it has none
  double negligible = 0;  // an effect this small is "near 0": more seeds would not give it a sign
};

std::set<std::string> splits_of(const RunGroup& group) {
  std::set<std::string> splits;
  for (const auto& run : group.runs) {
    if (run.status == RunStatus::ok) splits.insert(run.split);
  }
  return splits;
}

// The paper's setting where a study has it: the variant with the most class splits.
const RunGroup& main_group(const std::vector<RunGroup>& groups) {
  return *std::max_element(groups.begin(), groups.end(),
                           [](const RunGroup& a, const RunGroup& b) { return splits_of(a).size() < splits_of(b).size(); });
}

RunGroup with_seeds(const RunGroup& group, const std::set<std::int64_t>& seeds) {
  RunGroup subset = group;
  subset.runs.clear();
  for (const auto& run : group.runs) {
    if (seeds.count(run.seed)) subset.runs.push_back(run);
  }
  return subset;
}

// Claims 1-3 as MechanismCheck::relations() orders them.
constexpr std::size_t kRelationOf[] = {2, 0, 1};

// Claims 1-3 on one set of runs, from one check of the mechanism: each relation
// within splits where there are several.
std::array<Outcome, 3> relation_outcomes(const RunGroup& group) {
  const auto check = check_mechanism({group}).front();
  const auto relations = check.relations();  // refers into `check`
  std::array<Outcome, 3> outcomes;
  for (std::size_t claim = 0; claim < 3; ++claim) {
    const auto& r = relations[kRelationOf[claim]];
    Outcome& outcome = outcomes[claim];
    if (check.splits > 1) {
      const auto& pooled = r.by_split.pooled;
      outcome.measurable = !std::isnan(pooled.rho) && !std::isnan(pooled.low);
      outcome.estimate = pooled_text(pooled);
      outcome.verdict = pooled_verdict(pooled, r.expected_sign);
      outcome.evidence = evidence(pooled, r.expected_sign);
      outcome.effect = pooled.rho;
      outcome.half_width = (pooled.high - pooled.low) / 2;
      outcome.negligible = 0.05;
    } else {
      outcome.measurable = !std::isnan(r.correlation.rho);
      outcome.estimate = rho_text(r.correlation) + " (one class split)";
      outcome.verdict = verdict(r.correlation, r.expected_sign);
      outcome.evidence = evidence(r.correlation, r.expected_sign);
      outcome.effect = r.correlation.rho;
      outcome.half_width = std::nan("");
    }
  }
  return outcomes;
}

std::string signed_number(double value, const char* format) { return fmt::format(fmt::runtime(format), value); }

std::string interval_text(const MeanInterval& interval, const char* format) {
  return fmt::format("{} [{}, {}]", signed_number(interval.mean, format),
                     signed_number(interval.mean - interval.half_width, format),
                     signed_number(interval.mean + interval.half_width, format));
}

// Claim 4: each penalty strength against no penalty, paired by class split, seed and any other swept value.
Outcome penalty_outcome(const RunGroup& group) {
  Outcome outcome;
  std::map<std::string, const RunMeasures*> unpenalised;
  std::map<double, std::vector<std::pair<const RunMeasures*, std::string>>> penalised;
  for (const auto& run : group.runs) {
    if (run.status != RunStatus::ok || !run.swept.contains(kGcPenaltyKey) || !run.swept[kGcPenaltyKey].is_number()) continue;
    auto others = run.swept;
    others.erase(kGcPenaltyKey);
    const auto pair_key = fmt::format("{}|{}|{}", run.split, run.seed, others.dump());
    const double strength = run.swept[kGcPenaltyKey].get<double>();
    if (strength == 0) {
      unpenalised[pair_key] = &run;
    } else {
      penalised[strength].emplace_back(&run, pair_key);
    }
  }
  if (unpenalised.empty() || penalised.empty()) {
    outcome.estimate = "-";
    outcome.verdict = unpenalised.empty() ? "no runs without the penalty to compare with" : "no penalised runs";
    return outcome;
  }
  struct AtStrength {
    double strength;
    std::size_t pairs;
    MeanInterval gc, nc, accuracy;
    bool holds;
  };
  std::vector<AtStrength> results;
  for (const auto& [strength, runs] : penalised) {
    std::vector<double> gc, nc, accuracy;
    for (const auto& [run, pair_key] : runs) {
      const auto base = unpenalised.find(pair_key);
      if (base == unpenalised.end()) continue;
      const auto& b = *base->second;
      if (!run->source_gc || !b.source_gc || !run->target_nc || !b.target_nc || !run->accuracy || !b.accuracy) continue;
      if (!(*b.source_gc > 0) || !(*b.target_nc > 0)) continue;
      gc.push_back(100 * (*run->source_gc / *b.source_gc - 1));
      nc.push_back(100 * (*run->target_nc / *b.target_nc - 1));
      accuracy.push_back(100 * (*run->accuracy - *b.accuracy));
    }
    if (gc.size() < 2) continue;
    AtStrength at{strength, gc.size(), mean_with_ci95(gc), mean_with_ci95(nc), mean_with_ci95(accuracy), false};
    at.holds =
        at.gc.mean + at.gc.half_width < 0 && at.nc.mean + at.nc.half_width < 0 && at.accuracy.mean - at.accuracy.half_width > 0;
    results.push_back(at);
  }
  if (results.empty()) {
    outcome.estimate = "-";
    outcome.verdict = "fewer than 2 runs pair with an unpenalised run at any strength";
    return outcome;
  }
  // The strength to show: the best accuracy gain among those where the claim holds, else overall.
  const bool any_holds = std::any_of(results.begin(), results.end(), [](const AtStrength& a) { return a.holds; });
  const auto shown = *std::max_element(results.begin(), results.end(), [&](const AtStrength& a, const AtStrength& b) {
    if (any_holds && a.holds != b.holds) return !a.holds;
    return a.accuracy.mean < b.accuracy.mean;
  });
  outcome.measurable = true;
  outcome.estimate = fmt::format("at {:g}: source GC {} %, target NC {} %, accuracy {} points ({} pairs)", shown.strength,
                                 interval_text(shown.gc, "{:+.0f}"), interval_text(shown.nc, "{:+.0f}"),
                                 interval_text(shown.accuracy, "{:+.1f}"), shown.pairs);
  outcome.effect = shown.accuracy.mean;
  outcome.half_width = shown.accuracy.half_width;
  outcome.negligible = 0.1;  // accuracy points
  if (any_holds) {
    outcome.evidence = Evidence::papers_sign;
    outcome.verdict = fmt::format("all three intervals exclude 0 the paper's way at {:g}", shown.strength);
  } else if (shown.accuracy.mean + shown.accuracy.half_width < 0) {
    outcome.evidence = Evidence::opposite_sign;
    outcome.verdict = "the penalty lowers accuracy at every strength (the best one's interval lies below 0)";
  } else {
    outcome.verdict = "at no strength do all three intervals exclude 0 the paper's way";
  }
  return outcome;
}

std::string seed_list(const std::set<std::int64_t>& seeds) { return fmt::format("{}", fmt::join(seeds, ", ")); }

// A study's seeds in two disjoint halves, alternating in order: two replications inside the study.
struct SeedHalves {
  std::set<std::int64_t> first, second;
  std::size_t seeds() const { return first.size() + second.size(); }
};

SeedHalves seed_halves(const RunGroup& group) {
  std::set<std::int64_t> seeds;
  for (const auto& run : group.runs) {
    if (run.status == RunStatus::ok) seeds.insert(run.seed);
  }
  SeedHalves halves;
  std::size_t k = 0;
  for (const auto seed : seeds) (k++ % 2 == 0 ? halves.first : halves.second).insert(seed);
  return halves;
}

// Whether the verdict on all the runs (`whole`) is also the verdict on each half of the seeds (`a`, `b`).
void replicate(ClaimCell& cell, const Outcome& whole, const Outcome& a, const Outcome& b, const SeedHalves& seeds) {
  if (!whole.measurable) {
    cell.replication = "not measurable, so nothing to replicate";
    return;
  }
  if (seeds.second.empty()) {
    cell.replication = "one seed: no replication inside the study";
    return;
  }
  const auto& first = seeds.first;
  const auto& second = seeds.second;
  cell.replicates = a.evidence == whole.evidence && b.evidence == whole.evidence;
  const auto halves = fmt::format("seeds {}: {}; seeds {}: {}", seed_list(first), a.estimate, seed_list(second), b.estimate);
  if (cell.replicates) {
    cell.replication = fmt::format("holds in both seed halves ({})", halves);
    return;
  }
  std::string settle;
  if (std::isnan(whole.half_width)) {
    settle = "more seeds and class splits would settle it";
  } else if (std::abs(whole.effect) < whole.negligible || whole.effect == 0) {
    settle = "the estimate is near 0: more seeds would narrow its interval around it, not give it a sign";
  } else {
    // An interval's width falls as 1/sqrt(runs): each half needs n (w / |effect|)^2 seeds to clear 0. Never
    // fewer than one more than a half has now: at that size the halves already disagreed.
    const double ratio = whole.half_width / std::abs(whole.effect);
    const auto half_now = std::min(seeds.first.size(), seeds.second.size());
    const auto per_half =
        std::max(static_cast<std::size_t>(std::ceil(static_cast<double>(seeds.seeds()) * ratio * ratio)), half_now + 1);
    settle = fmt::format("roughly {} seeds ({} per half, now {} in all) would settle it", 2 * per_half, per_half, seeds.seeds());
  }
  cell.replication = fmt::format("not the same in both seed halves ({}): underpowered at this size; {}", halves, settle);
}

const char* const kClaims[] = {
    "1. lower source GC goes with lower source NC",
    "2. lower source GC goes with lower target NC",
    "3. lower target NC goes with higher few-shot accuracy",
    "4. an explicit GC penalty lowers source GC and target NC and raises few-shot accuracy, at some strength",
};
}  // namespace

ClaimsTable claims_table(const std::vector<SuiteResults>& studies) {
  ClaimsTable table;
  table.claims.assign(std::begin(kClaims), std::end(kClaims));
  table.cells.assign(table.claims.size(), {});
  for (const auto& study : studies) {
    if (study.records.empty()) throw std::runtime_error(study.folder.string() + ": no runs to read claims from");
    const auto headline = choose_headline(study.records);
    const auto groups = group_runs(study.records, headline);
    const auto& group = main_group(groups);
    std::size_t ok = 0;
    bool sweeps_penalty = false;
    for (const auto& run : group.runs) {
      ok += run.status == RunStatus::ok ? 1 : 0;
      sweeps_penalty = sweeps_penalty || run.swept.contains(kGcPenaltyKey);
    }
    table.studies.push_back(study.records.front().suite);
    table.groups.push_back(fmt::format("{}{} class splits, {} runs; accuracy: {}-shot {}",
                                       group.variant.empty() ? "" : "variant " + group.variant + ", ", splits_of(group).size(),
                                       ok, headline.shots, headline.classifier));
    const auto halves = seed_halves(group);
    const auto first_runs = with_seeds(group, halves.first);
    const auto second_runs = with_seeds(group, halves.second);
    const auto whole = relation_outcomes(group);
    const auto first = relation_outcomes(first_runs);
    const auto second = relation_outcomes(second_runs);
    for (std::size_t claim = 0; claim < 3; ++claim) {
      ClaimCell cell{true, whole[claim].estimate, whole[claim].verdict, whole[claim].evidence, "", false};
      replicate(cell, whole[claim], first[claim], second[claim], halves);
      table.cells[claim].push_back(cell);
    }
    ClaimCell penalty;
    if (sweeps_penalty) {
      const auto all = penalty_outcome(group);
      penalty = {true, all.estimate, all.verdict, all.evidence, "", false};
      replicate(penalty, all, penalty_outcome(first_runs), penalty_outcome(second_runs), halves);
    } else {
      penalty.estimate = "-";
      penalty.verdict = fmt::format("not this study's design (it does not sweep {})", kGcPenaltyKey);
    }
    table.cells[3].push_back(penalty);
  }
  return table;
}

std::string claims_markdown(const ClaimsTable& table) {
  std::string md =
      "# The paper's claims across studies\n\n"
      "One column per study, one row per claim. Each cell: the study's estimate with its 95% interval (claims 1-3: "
      "Spearman's rho pooled within class splits, with a bootstrap interval over runs resampled within their split; "
      "claim 4: each penalty strength paired with the unpenalised run of the same split and seed, mean change and "
      "Student-t interval over the pairs), the verdict, and whether the same verdict holds on each of two disjoint "
      "halves of the study's seeds.\n\n";
  md += "| claim |";
  for (const auto& study : table.studies) md += " " + study + " |";
  md += "\n|---|";
  for (std::size_t s = 0; s < table.studies.size(); ++s) md += "---|";
  md += "\n";
  for (std::size_t c = 0; c < table.claims.size(); ++c) {
    md += "| " + table.claims[c] + " |";
    for (const auto& cell : table.cells[c]) {
      md += cell.applies ? fmt::format(" **{}**: {}. {} |", cell.estimate, cell.verdict,
                                       cell.replication.empty() ? "" : "Replication: " + cell.replication + ".")
                         : fmt::format(" - ({}) |", cell.verdict);
    }
    md += "\n";
  }
  md += "\nRuns read:\n\n";
  for (std::size_t s = 0; s < table.studies.size(); ++s) md += fmt::format("- {}: {}\n", table.studies[s], table.groups[s]);
  return md;
}

std::string claims_html(const ClaimsTable& table) {
  std::string html =
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>gcbench: the paper's claims across studies</title>\n"
      "<style>body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1200px;color:#222;padding:0 1em}"
      "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:6px 8px;vertical-align:top;text-align:left}"
      ".estimate{font-weight:600}.replication{font-size:12px;color:#555}" +
      std::string(kEvidenceStyle) +
      "</style></head><body>\n<h1>The paper's claims across studies</h1>\n"
      "<p>Each cell: the estimate with its 95% interval, the verdict (coloured only where the interval excludes 0), and "
      "whether the same verdict holds on each of two disjoint halves of the study's seeds.</p>\n<table "
      "id=\"claims\"><tr><th>claim</th>";
  for (const auto& study : table.studies) html += "<th>" + html_escape(study) + "</th>";
  html += "</tr>\n";
  for (std::size_t c = 0; c < table.claims.size(); ++c) {
    html += "<tr><td>" + html_escape(table.claims[c]) + "</td>";
    for (const auto& cell : table.cells[c]) {
      if (!cell.applies) {
        html += "<td class=\"verdict\">-<div class=\"replication\">" + html_escape(cell.verdict) + "</div></td>";
        continue;
      }
      html += fmt::format(
          "<td class=\"verdict {}\"><div class=\"estimate\">{}</div><div>{}</div><div class=\"replication\">{}</div></td>",
          evidence_class(cell.evidence), html_escape(cell.estimate), html_escape(cell.verdict), html_escape(cell.replication));
    }
    html += "</tr>\n";
  }
  html += "</table>\n<ul>";
  for (std::size_t s = 0; s < table.studies.size(); ++s) {
    html += "<li>" + html_escape(table.studies[s]) + ": " + html_escape(table.groups[s]) + "</li>";
  }
  return html + "</ul>\n</body></html>\n";
}

ClaimsFiles write_claims(const std::vector<std::filesystem::path>& results, const std::filesystem::path& out_dir) {
  std::vector<SuiteResults> studies;
  for (const auto& path : results) studies.push_back(load_suite_results(path));
  ClaimsFiles files{out_dir / "claims.md", out_dir / "claims.html", claims_table(studies)};
  std::filesystem::create_directories(out_dir);
  write_file_atomically(files.markdown, claims_markdown(files.table));
  write_file_atomically(files.html, claims_html(files.table));
  return files;
}

}  // namespace gcbench
