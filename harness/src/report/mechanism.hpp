// The paper's mechanism, tested on one group of runs: lower source GC should go
// with lower target NC (rho > 0), and lower target NC with higher accuracy
// (rho < 0). GC bounding NC on the classes trained on (source NC, rho > 0) is
// the step before transfer.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "report/correlation.hpp"
#include "report/suite_results.hpp"

namespace gcbench {

struct MechanismCheck {
  std::string variant;
  std::string swept;            // the key the group sweeps
  Correlation gc_vs_source_nc;
  Correlation gc_vs_target_nc;
  Correlation target_nc_vs_accuracy;

  // The three, in the order reports show them, with the sign the paper expects.
  struct Relation {
    const char* measures;       // "source GC, target NC"
    const Correlation& correlation;
    int expected_sign;
  };
  std::array<Relation, 3> relations() const {
    return {{{"source GC, target NC", gc_vs_target_nc, +1},
             {"target NC, accuracy", target_nc_vs_accuracy, -1},
             {"source GC, source NC", gc_vs_source_nc, +1}}};
  }
};

// One check per group, over its runs with status ok (all seeds).
std::vector<MechanismCheck> check_mechanism(const std::vector<RunGroup>& groups);

// rho as the report tables show it: "+0.85", or "-" when not measurable.
std::string rho_text(const Correlation& correlation);

// "matches the paper (p = 0.003)", "matches the paper's sign, not significant
// (p = 0.21)", "opposite to the paper (p = 0.04)", or "not measurable (...)".
std::string verdict(const Correlation& correlation, int expected_sign);

}  // namespace gcbench
