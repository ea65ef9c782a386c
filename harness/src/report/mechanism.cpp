#include "report/mechanism.hpp"

#include <fmt/format.h>

#include <cmath>

namespace gcbench {

std::vector<MechanismCheck> check_mechanism(const std::vector<RunGroup>& groups) {
  std::vector<MechanismCheck> checks;
  for (const auto& group : groups) {
    std::vector<double> gc, nc_a, nc_b, accuracy, gc_s, nc_s;
    for (const auto& run : group.runs) {
      if (run.status != RunStatus::ok) continue;
      if (run.source_gc && run.source_nc) {
        gc_s.push_back(*run.source_gc);
        nc_s.push_back(*run.source_nc);
      }
      if (run.source_gc && run.target_nc) {
        gc.push_back(*run.source_gc);
        nc_a.push_back(*run.target_nc);
      }
      if (run.target_nc && run.accuracy) {
        nc_b.push_back(*run.target_nc);
        accuracy.push_back(*run.accuracy);
      }
    }
    checks.push_back({group.variant, group.colour_key, spearman(gc_s, nc_s), spearman(gc, nc_a), spearman(nc_b, accuracy)});
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

}  // namespace gcbench
