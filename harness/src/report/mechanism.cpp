#include "report/mechanism.hpp"

#include <fmt/format.h>

#include <cmath>
#include <set>

namespace gcbench {

std::vector<MechanismCheck> check_mechanism(const std::vector<RunGroup>& groups) {
  std::vector<MechanismCheck> checks;
  for (const auto& group : groups) {
    std::vector<double> gc, nc_a, nc_b, accuracy, gc_s, nc_s;
    std::vector<std::string> split_s, split_a, split_b;
    std::set<std::string> splits;
    for (const auto& run : group.runs) {
      if (run.status != RunStatus::ok) continue;
      splits.insert(run.split);
      if (run.source_gc && run.source_nc) {
        gc_s.push_back(*run.source_gc);
        nc_s.push_back(*run.source_nc);
        split_s.push_back(run.split);
      }
      if (run.source_gc && run.target_nc) {
        gc.push_back(*run.source_gc);
        nc_a.push_back(*run.target_nc);
        split_a.push_back(run.split);
      }
      if (run.target_nc && run.accuracy) {
        nc_b.push_back(*run.target_nc);
        accuracy.push_back(*run.accuracy);
        split_b.push_back(run.split);
      }
    }
    MechanismCheck check{group.variant, group.colour_key, spearman(gc_s, nc_s), spearman(gc, nc_a), spearman(nc_b, accuracy)};
    check.splits = splits.size();
    if (check.splits > 1) {
      check.gc_vs_source_nc_by_split = split_aware_spearman(split_s, gc_s, nc_s, kReportBootstrapSeed);
      check.gc_vs_target_nc_by_split = split_aware_spearman(split_a, gc, nc_a, kReportBootstrapSeed);
      check.target_nc_vs_accuracy_by_split = split_aware_spearman(split_b, nc_b, accuracy, kReportBootstrapSeed);
    }
    checks.push_back(std::move(check));
  }
  return checks;
}

std::string rho_text(const Correlation& c) { return std::isnan(c.rho) ? "-" : fmt::format("{:+.2f}", c.rho); }

std::string verdict(const Correlation& c, int expected_sign) {
  if (std::isnan(c.rho)) {
    return c.n < 3 ? fmt::format("not measurable ({} runs; needs 3)", c.n) : "not measurable (a constant measurement)";
  }
  const bool same_sign = (c.rho > 0 && expected_sign > 0) || (c.rho < 0 && expected_sign < 0);
  if (same_sign && c.p_value < 0.05) return fmt::format("matches the paper (p = {:.2g})", c.p_value);
  if (same_sign) return fmt::format("matches the paper's sign, not significant (p = {:.2g})", c.p_value);
  if (c.rho == 0) return "no correlation";
  return fmt::format("opposite to the paper{} (p = {:.2g})", c.p_value < 0.05 ? "" : ", not significant", c.p_value);
}

Evidence evidence(const Correlation& c, int expected_sign) {
  if (std::isnan(c.rho) || std::isnan(c.p_value) || c.p_value >= 0.05 || c.rho == 0) return Evidence::none;
  return (c.rho > 0) == (expected_sign > 0) ? Evidence::papers_sign : Evidence::opposite_sign;
}

Evidence evidence(const PooledCorrelation& p, int expected_sign) {
  if (std::isnan(p.rho) || std::isnan(p.low) || p.covers_zero()) return Evidence::none;
  return (p.rho > 0) == (expected_sign > 0) ? Evidence::papers_sign : Evidence::opposite_sign;
}

const char* evidence_class(Evidence evidence) {
  switch (evidence) {
    case Evidence::papers_sign:
      return "match";
    case Evidence::opposite_sign:
      return "opposite";
    case Evidence::none:
      break;
  }
  return "";
}

std::string pooled_text(const PooledCorrelation& p) {
  if (std::isnan(p.rho)) return "-";
  if (std::isnan(p.low)) return fmt::format("{:+.2f}", p.rho);
  return fmt::format("{:+.2f} [{:+.2f}, {:+.2f}]", p.rho, p.low, p.high);
}

std::string pooled_verdict(const PooledCorrelation& p, int expected_sign) {
  if (std::isnan(p.rho) || std::isnan(p.low)) return "not measurable";
  if (p.covers_zero()) return "the interval covers 0: no sign can be claimed";
  const bool same_sign = (p.rho > 0) == (expected_sign > 0);
  return same_sign ? "the interval excludes 0: the paper's sign" : "the interval excludes 0: opposite to the paper";
}

std::string per_split_text(const SplitAwareCorrelation& by_split) {
  std::string out;
  for (const auto& split : by_split.per_split) {
    out += fmt::format("{}{}: {} ({})", out.empty() ? "" : "; ", split.split, rho_text(split.correlation), split.correlation.n);
  }
  return out;
}

}  // namespace gcbench
