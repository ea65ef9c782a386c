#include <fmt/format.h>

#include "commands.hpp"
#include "report/claims.hpp"
#include "report/report.hpp"

namespace gcbench::cli {

int report_command(const std::filesystem::path& results, const std::filesystem::path& out) {
  const Report report = write_report(results, out);
  for (const auto& warning : report.warnings) fmt::print(stderr, "note: {}\n", warning);
  if (report.not_run > 0) {
    fmt::print(stderr, "note: {} planned but not run: the suite stopped before them; report.md lists them\n", report.not_run);
  }
  for (const auto& check : report.checks) {
    for (const auto& relation : check.relations()) {
      fmt::print("{}{}: Spearman({}) = {:+.3f} over {} runs: {}\n", check.variant.empty() ? "" : "[" + check.variant + "] ",
                 check.swept.empty() ? "all runs" : check.swept, relation.measures, relation.correlation.rho,
                 relation.correlation.n, verdict(relation.correlation, relation.expected_sign));
    }
  }
  fmt::print("{} figures\nwrote {}\nwrote {}\n", report.figures.size(), report.markdown.string(), report.html.string());
  return 0;
}

int claims_command(const std::vector<std::string>& results, const std::filesystem::path& out) {
  std::vector<std::filesystem::path> folders(results.begin(), results.end());
  auto first = std::filesystem::absolute(folders.front()).lexically_normal();
  if (!first.has_filename()) first = first.parent_path();  // "results/mini-lr/"
  const auto dir = !out.empty() ? out : first.parent_path();
  const auto files = write_claims(folders, dir);
  const auto& table = files.table;
  for (std::size_t c = 0; c < table.claims.size(); ++c) {
    fmt::print("{}\n", table.claims[c]);
    for (std::size_t s = 0; s < table.studies.size(); ++s) {
      const auto& cell = table.cells[c][s];
      if (!cell.applies) continue;
      fmt::print("  {}: {}: {}{}\n", table.studies[s], cell.estimate, cell.verdict,
                 cell.replicates ? "" : " (not in both seed halves)");
    }
  }
  fmt::print("wrote {}\nwrote {}\n", files.markdown.string(), files.html.string());
  return 0;
}

}  // namespace gcbench::cli
