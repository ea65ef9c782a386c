#include "compare/comparison.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "util/text_table.hpp"

namespace gcbench {
namespace {

std::string number(std::optional<double> value) { return value ? fmt::format("{:.6g}", *value) : "-"; }

std::string signed_number(std::optional<double> value) { return value ? fmt::format("{:+.4g}", *value) : "-"; }

std::string percent(std::optional<double> value) {
  return value && std::isfinite(*value) ? fmt::format("{:+.1f}%", 100 * *value) : "-";
}

std::string p_text(std::optional<double> p) { return p ? fmt::format("{:.3g}", *p) : "-"; }

int severity(Verdict verdict) {
  switch (verdict) {
    case Verdict::regressed:
      return 0;
    case Verdict::improved:
      return 1;
    case Verdict::only_in_baseline:
      return 2;
    case Verdict::only_in_contender:
      return 3;
    case Verdict::unchanged:
      return 4;
  }
  return 5;
}

nlohmann::json optional_number(std::optional<double> value) {
  return value && std::isfinite(*value) ? nlohmann::json(*value) : nlohmann::json();
}

}  // namespace

std::string to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::regressed:
      return "REGRESSED";
    case Verdict::improved:
      return "improved";
    case Verdict::unchanged:
      return "unchanged";
    case Verdict::only_in_baseline:
      return "only in baseline";
    case Verdict::only_in_contender:
      return "only in contender";
  }
  return "?";
}

std::optional<double> Finding::delta() const {
  if (!baseline || !contender) return std::nullopt;
  return *contender - *baseline;
}

std::optional<double> Finding::relative() const {
  const auto d = delta();
  if (!d || *baseline == 0) return std::nullopt;
  return *d / std::abs(*baseline);
}

std::size_t Comparison::count(Verdict verdict) const {
  return static_cast<std::size_t>(
      std::count_if(findings.begin(), findings.end(), [verdict](const Finding& f) { return f.verdict == verdict; }));
}

int Comparison::exit_code() const { return count(Verdict::regressed) > 0 ? 1 : 0; }

std::string comparison_text(const Comparison& comparison) {
  std::vector<const Finding*> ordered;
  for (const auto& finding : comparison.findings) ordered.push_back(&finding);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const Finding* a, const Finding* b) { return severity(a->verdict) < severity(b->verdict); });

  std::string out = fmt::format("baseline:  {}\ncontender: {}\n", comparison.baseline, comparison.contender);
  for (const auto& note : comparison.notes) out += "note: " + note + "\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto* f : ordered) {
    rows.push_back({to_string(f->verdict), f->subject, f->metric, number(f->baseline), number(f->contender),
                    signed_number(f->delta()), percent(f->relative()), p_text(f->p_value), f->test, f->note});
  }
  TextTable table{{"verdict", comparison.kind == "benchmarks" ? "benchmark" : "run", "metric", "baseline", "contender", "delta",
                   "rel", "p", "test", "note"},
                  std::move(rows)};
  TextTableStyle style;
  style.align = ColumnAlign::left;
  out += "\n" + format_text_table(table, style);
  for (const auto* f : ordered) {
    if (f->verdict != Verdict::regressed) continue;
    out += fmt::format("\nREGRESSION: {}: {} {} -> {} (delta {}, {}){}{}", f->subject, f->metric, number(f->baseline),
                       number(f->contender), signed_number(f->delta()), percent(f->relative()),
                       f->p_value ? fmt::format(", {} p = {}", f->test, p_text(f->p_value)) : ", " + f->test,
                       f->note.empty() ? "" : "; " + f->note);
  }
  out +=
      fmt::format("\n\n{} regressed, {} improved, {} unchanged, {} only in baseline, {} only in contender\n",
                  comparison.count(Verdict::regressed), comparison.count(Verdict::improved), comparison.count(Verdict::unchanged),
                  comparison.count(Verdict::only_in_baseline), comparison.count(Verdict::only_in_contender));
  return out;
}

nlohmann::json to_json(const Comparison& comparison) {
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& f : comparison.findings) {
    findings.push_back({{"verdict", to_string(f.verdict)},
                        {"subject", f.subject},
                        {"metric", f.metric},
                        {"baseline", optional_number(f.baseline)},
                        {"contender", optional_number(f.contender)},
                        {"delta", optional_number(f.delta())},
                        {"relative", optional_number(f.relative())},
                        {"p_value", optional_number(f.p_value)},
                        {"test", f.test},
                        {"note", f.note}});
    findings.back()["ratio"] =
        f.ratio ? nlohmann::json{{"estimate", f.ratio->estimate}, {"low", f.ratio->low}, {"high", f.ratio->high}}
                : nlohmann::json(nullptr);
  }
  nlohmann::json counts;
  for (const auto verdict :
       {Verdict::regressed, Verdict::improved, Verdict::unchanged, Verdict::only_in_baseline, Verdict::only_in_contender}) {
    counts[to_string(verdict)] = comparison.count(verdict);
  }
  return {{"kind", comparison.kind},
          {"baseline", comparison.baseline},
          {"contender", comparison.contender},
          {"exit_code", comparison.exit_code()},
          {"notes", comparison.notes},
          {"counts", counts},
          {"findings", findings}};
}

}  // namespace gcbench
