#include <fmt/format.h>

#include "commands.hpp"
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

}  // namespace gcbench::cli
