// report.md: the report as Markdown, its figures linked from plots/.
#include <fmt/format.h>

#include <cmath>

#include "report/report_content.hpp"

namespace gcbench {
namespace fs = std::filesystem;

namespace {

std::string markdown_cell(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

std::string split_section(const ReportContent& c) {
  if (!c.several_splits) return "";
  std::string md = fmt::format("### Within each class split\n\n{} ({} resamples, seed {}).\n\n", kSplitSectionIntro,
                               kBootstrapResamples, kReportBootstrapSeed);
  md += fmt::format("| {}splits | relation | pooled within-split rho [95% CI] | reading | per split |\n|{}---|---|---|---|---|\n",
                    c.has_variants ? "variant | " : "", c.has_variants ? "---|" : "");
  for (const auto& check : c.checks) {
    if (check.splits < 2) continue;
    for (const auto& relation : check.relations()) {
      md += fmt::format("| {}{} | {} | {} | {} | {} |\n", c.has_variants ? markdown_cell(check.variant) + " | " : "",
                        check.splits, relation.measures, pooled_text(relation.by_split.pooled),
                        pooled_verdict(relation.by_split.pooled, relation.expected_sign),
                        markdown_cell(per_split_text(relation.by_split)));
    }
  }
  return md;
}

std::string dose_section(const ReportContent& c) {
  if (c.dose.sweeps.empty()) return "";
  std::string md = "\n## The sweeps as curves\n\n" + dose_intro(c.dose) + "\n";
  for (std::size_t k = 0; k < c.dose.sweeps.size(); ++k) {
    const auto& sweep = c.dose.sweeps[k];
    md += fmt::format("\n### `{}`{}\n\n", sweep.key, markdown_cell(dose_context(sweep)));
    const auto table = dose_table(sweep);
    for (std::size_t r = 0; r < table.size(); ++r) {
      std::vector<std::string> cells;
      for (const auto& cell : table[r]) cells.push_back(markdown_cell(cell));
      md += "| " + fmt::format("{}", fmt::join(cells, " | ")) + " |\n";
      if (r == 0) {
        md += "|";
        for (std::size_t column = 0; column < table[r].size(); ++column) md += "---|";
        md += "\n";
      }
    }
    md += "\n";
    for (const auto& metric : sweep.metrics) md += fmt::format("- {}: {}\n", metric.name, markdown_cell(metric.reading));
    if (const auto& figure = c.dose_figures[k]) {
      md += fmt::format("\n![{}](plots/{})\n\n{}\n", figure->title, figure->svg_file.filename().string(), figure->caption);
    }
  }
  return md;
}

}  // namespace

std::string markdown_report(const ReportContent& c) {
  std::string md = fmt::format("# gcbench report: {}\n\n", c.suite);
  if (!c.description.empty()) md += c.description + "\n\n";
  md += fmt::format(
      "- results: `{}`\n- runs: {} ok, {} diverged, {} failed{}{}; {:.1f} min of run time in all\n"
      "- started {} .. last run started {}\n- git revision: {}\n- {}\n"
      "- headline measures: source GC by `{}`; accuracy: {}-shot `{}`; NC is CDNV\n\n",
      c.results_folder.string(), c.ok, c.diverged, c.failed, c.crashed > 0 ? fmt::format(", {} crashed", c.crashed) : "",
      c.not_run.empty() ? "" : fmt::format(", {} planned but not run", c.not_run.size()), c.run_seconds / 60, c.started,
      c.last_started, c.revisions, c.versions, c.headline.gc_estimator, c.headline.shots, c.headline.classifier);
  md +=
      "## Does the paper's mechanism show?\n\n"
      "Spearman rank correlations over the runs of each group (all seeds). The paper: lower source GC goes with "
      "lower target NC (rho > 0), and lower target NC with higher few-shot accuracy (rho < 0). Before transfer, "
      "GC bounds NC on the source classes themselves (rho(GC, source NC) > 0).\n\n";
  md += fmt::format("| {}swept | runs |", c.has_variants ? "variant | " : "");
  for (const auto& relation : MechanismCheck{}.relations()) md += fmt::format(" rho({}) | verdict |", relation.measures);
  md += fmt::format("\n|{}---|---|---|---|---|---|---|---|\n", c.has_variants ? "---|" : "");
  for (const auto& check : c.checks) {
    md += fmt::format("| {}{} | {} |", c.has_variants ? markdown_cell(check.variant) + " | " : "",
                      check.swept.empty() ? "-" : "`" + check.swept + "`", check.gc_vs_target_nc.n);
    for (const auto& relation : check.relations()) {
      md += fmt::format(" {} | {} |", rho_text(relation.correlation), verdict(relation.correlation, relation.expected_sign));
    }
    md += "\n";
  }
  if (c.several_splits) md += "\n" + split_section(c);
  md += dose_section(c);
  md += "\n## Runs\n\n| " + fmt::format("{}", fmt::join(c.runs.header, " | ")) + " |\n|";
  for (std::size_t i = 0; i < c.runs.header.size(); ++i) md += "---|";
  md += "\n";
  for (const auto& row : c.runs.rows) {
    std::vector<std::string> cells;
    for (const auto& cell : row) cells.push_back(markdown_cell(cell));
    md += "| " + fmt::format("{}", fmt::join(cells, " | ")) + " |\n";
  }
  md += "\nGC columns: mean ||J_f(x)||_F^2 over `measure.gc_samples` source-train images, w.r.t. " + c.gc_input +
        " (± standard error for stochastic estimators). NC columns: CDNV on source-test and target images. Accuracies: mean over "
        "episodes "
        "± the 95% t-interval.\n";
  for (const auto& line : c.not_ok) md += "\n- " + line + "\n";
  if (!c.not_run.empty()) {
    md += fmt::format(
        "\n### Planned but not run\n\nThe suite stopped before these {} runs (`gcbench plan` lists them; "
        "run the suite again to measure them):\n\n",
        c.not_run.size());
    for (const auto& line : c.not_run) md += "- " + markdown_cell(line) + "\n";
  }
  md += "\n## Figures\n\n";
  for (const auto& figure : c.figures) {
    md += fmt::format("### {}\n\n![{}](plots/{})\n\n{} Script: `plots/{}`.\n\n", figure.title, figure.title,
                      figure.svg_file.filename().string(), figure.caption,
                      fs::path(figure.svg_file).replace_extension(".gp").filename().string());
  }
  for (const auto& warning : c.warnings) md += "> note: " + warning + "\n";
  return md;
}

}  // namespace gcbench
