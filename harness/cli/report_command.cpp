#include <fmt/format.h>

#include "commands.hpp"
#include "report/report.hpp"

namespace gcbench::cli {

int report_command(const std::filesystem::path& results, const std::filesystem::path& out) {
  const Report report = write_report(results, out);
  for (const auto& warning : report.warnings) fmt::print(stderr, "note: {}\n", warning);
  for (const auto& check : report.checks) {
    const std::string group = check.variant.empty() ? "" : "[" + check.variant + "] ";
    fmt::print("{}{}: Spearman(source GC, target NC) = {:+.3f} over {} runs: {}\n", group,
               check.swept.empty() ? "all runs" : check.swept, check.gc_vs_target_nc.rho, check.gc_vs_target_nc.n,
               verdict(check.gc_vs_target_nc, +1));
    fmt::print("{}{}: Spearman(target NC, accuracy) = {:+.3f} over {} runs: {}\n", group,
               check.swept.empty() ? "all runs" : check.swept, check.target_nc_vs_accuracy.rho,
               check.target_nc_vs_accuracy.n, verdict(check.target_nc_vs_accuracy, -1));
    fmt::print("{}{}: Spearman(source GC, source NC) = {:+.3f} over {} runs: {}\n", group,
               check.swept.empty() ? "all runs" : check.swept, check.gc_vs_source_nc.rho, check.gc_vs_source_nc.n,
               verdict(check.gc_vs_source_nc, +1));
  }
  fmt::print("{} figures\nwrote {}\nwrote {}\n", report.figures.size(), report.markdown.string(), report.html.string());
  return 0;
}

}  // namespace gcbench::cli
