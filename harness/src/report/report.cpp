#include "report/report.hpp"

#include "report/report_content.hpp"
#include "util/atomic_file.hpp"

namespace gcbench {
namespace fs = std::filesystem;

Report write_report(const fs::path& results_path, const fs::path& out_dir) {
  const SuiteResults results = load_suite_results(results_path);
  const fs::path dir = out_dir.empty() ? results.folder : out_dir;
  fs::create_directories(dir);
  const ReportContent content = gather_report(results, dir / "plots");

  Report report{dir / "report.md", dir / "report.html", content.checks,
                content.figures,   content.warnings,    content.not_run.size()};
  write_file_atomically(report.markdown, markdown_report(content));
  write_file_atomically(report.html, html_report(content));
  return report;
}

}  // namespace gcbench
