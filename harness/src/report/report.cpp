#include "report/report.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <regex>
#include <set>

#include "report/summary_table.hpp"
#include "report/suite_results.hpp"

namespace gcbench {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string html_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string markdown_cell(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

std::string rho_text(const Correlation& c) { return std::isnan(c.rho) ? "-" : fmt::format("{:+.2f}", c.rho); }
std::string p_text(const Correlation& c) { return std::isnan(c.p_value) ? "-" : fmt::format("{:.2g}", c.p_value); }

// gnuplot names its markers and groups with the same ids in every SVG; inline,
// they would clash, so each figure's ids get its own prefix.
std::string inline_svg(const std::string& svg, std::size_t figure) {
  std::string body = svg.substr(std::min(svg.find("<svg"), svg.size()));
  const std::string prefix = fmt::format("f{}_", figure);
  body = std::regex_replace(body, std::regex(R"(id=(['"]))"), "id=$1" + prefix);
  body = std::regex_replace(body, std::regex(R"(href=(['"])#)"), "href=$1#" + prefix);
  body = std::regex_replace(body, std::regex(R"(url\(#)"), "url(#" + prefix);
  return body;
}

void write_file(const fs::path& file, const std::string& text) {
  std::ofstream out(file);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

struct Overview {
  std::string suite, description, revisions, versions, started, finished;
  std::size_t ok = 0, diverged = 0, failed = 0;
  double seconds = 0;
};

Overview overview_of(const std::vector<json>& records) {
  Overview o;
  std::set<std::string> revisions, versions;
  for (const auto& r : records) {
    o.suite = r.value("suite", o.suite);
    if (o.description.empty()) o.description = r.value("description", std::string());
    const auto status = r.value("status", std::string());
    (status == "ok" ? o.ok : status == "diverged" ? o.diverged : o.failed) += 1;
    o.seconds += r.value("seconds", 0.0);
    if (r.contains("provenance")) {
      revisions.insert(r["provenance"].value("git_revision", std::string("?")));
      versions.insert(fmt::format("gcbench {}, LibTorch {}", r["provenance"].value("gcbench_version", std::string("?")),
                                  r["provenance"].value("libtorch_version", std::string("?"))));
    }
    const auto started = r.value("started_at", std::string());
    if (o.started.empty() || started < o.started) o.started = started;
    if (started > o.finished) o.finished = started;
  }
  o.revisions = fmt::format("{}", fmt::join(revisions, ", "));
  o.versions = fmt::format("{}", fmt::join(versions, "; "));
  return o;
}

std::vector<MechanismCheck> check_mechanism(const std::vector<RunGroup>& groups) {
  std::vector<MechanismCheck> checks;
  for (const auto& group : groups) {
    std::vector<double> gc, nc_a, nc_b, accuracy, gc_s, nc_s;
    for (const auto& run : group.runs) {
      if (run.status != "ok") continue;
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

}  // namespace

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

Report write_report(const fs::path& results_path, const fs::path& out_dir) {
  const SuiteResults results = load_suite_results(results_path);
  const fs::path dir = out_dir.empty() ? results.folder : out_dir;
  fs::create_directories(dir);
  const Headline headline = choose_headline(results.records);
  const auto groups = group_runs(results.records, headline);

  Report report;
  report.warnings = results.warnings;
  report.checks = check_mechanism(groups);
  report.figures = draw_figures(groups, headline, dir / "plots");
  report.markdown = dir / "report.md";
  report.html = dir / "report.html";
  const Overview o = overview_of(results.records);
  const RunTable table = run_table(results.records);
  const bool has_variants = groups.size() > 1 || !groups.front().variant.empty();

  // --- Markdown ---
  std::string md = fmt::format("# gcbench report: {}\n\n", o.suite);
  if (!o.description.empty()) md += o.description + "\n\n";
  md += fmt::format("- results: `{}`\n- runs: {} ok, {} diverged, {} failed; {:.1f} min of run time in all\n"
                    "- started {} .. last run started {}\n- git revision: {}\n- {}\n"
                    "- headline measures: source GC by `{}`; accuracy: {}-shot `{}`; NC is CDNV\n\n",
                    results.folder.string(), o.ok, o.diverged, o.failed, o.seconds / 60, o.started, o.finished,
                    o.revisions, o.versions, headline.gc_estimator, headline.shots, headline.classifier);
  md += "## Does the paper's mechanism show?\n\n"
        "Spearman rank correlations over the runs of each group (all seeds). The paper: lower source GC goes with "
        "lower target NC (rho > 0), and lower target NC with higher few-shot accuracy (rho < 0). Before transfer, "
        "GC bounds NC on the source classes themselves (rho(GC, source NC) > 0).\n\n";
  md += fmt::format("| {}swept | runs |", has_variants ? "variant | " : "");
  for (const auto& relation : MechanismCheck{}.relations()) md += fmt::format(" rho({}) | verdict |", relation.measures);
  md += fmt::format("\n|{}---|---|---|---|---|---|---|---|\n", has_variants ? "---|" : "");
  for (const auto& c : report.checks) {
    md += fmt::format("| {}{} | {} |", has_variants ? c.variant + " | " : "", c.swept.empty() ? "-" : "`" + c.swept + "`",
                      c.gc_vs_target_nc.n);
    for (const auto& relation : c.relations()) {
      md += fmt::format(" {} | {} |", rho_text(relation.correlation), verdict(relation.correlation, relation.expected_sign));
    }
    md += "\n";
  }
  md += "\n## Runs\n\n| " + fmt::format("{}", fmt::join(table.header, " | ")) + " |\n|";
  for (std::size_t i = 0; i < table.header.size(); ++i) md += "---|";
  md += "\n";
  for (const auto& row : table.rows) {
    std::vector<std::string> cells;
    for (const auto& cell : row) cells.push_back(markdown_cell(cell));
    md += "| " + fmt::format("{}", fmt::join(cells, " | ")) + " |\n";
  }
  md += "\nGC columns: mean ||J_f(x)||_F^2 over `measure.gc_samples` source-train images (± standard error for "
        "stochastic estimators). NC columns: CDNV on source-test and target images. Accuracies: mean over episodes "
        "± the 95% t-interval.\n";
  for (const auto& record : results.records) {
    if (record.value("status", "") != "ok") {
      md += fmt::format("\n- run {} ({}): **{}**: {}\n", record.value("index", 0), record.value("run_id", ""),
                        record.value("status", ""), record.value("error", ""));
    }
  }
  md += "\n## Figures\n\n";
  for (const auto& figure : report.figures) {
    md += fmt::format("### {}\n\n![{}](plots/{})\n\n{} Script: `plots/{}`.\n\n", figure.title, figure.title,
                      figure.svg_file.filename().string(), figure.caption,
                      fs::path(figure.svg_file).replace_extension(".gp").filename().string());
  }
  for (const auto& warning : report.warnings) md += "> note: " + warning + "\n";
  write_file(report.markdown, md);

  // --- HTML: one file, no external resources ---
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  html += fmt::format("<title>gcbench report: {}</title>\n", html_escape(o.suite));
  html += "<style>body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}"
          "table{border-collapse:collapse;margin:1em 0;font-size:13px}td,th{border:1px solid #ccc;padding:3px 7px;"
          "text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}"
          "figure{display:inline-block;margin:0.5em 1em 1.5em 0;vertical-align:top;max-width:660px}"
          "figcaption{font-size:12px;color:#555}.match{color:#176f2c}.opposite{color:#a31515}"
          ".match,.opposite,.verdict{text-align:left}"
          "code{background:#f4f4f4;padding:0 3px}</style></head>\n<body>\n";
  html += fmt::format("<h1>gcbench report: {}</h1>\n<p>{}</p>\n<ul><li>results: <code>{}</code></li>"
                      "<li>runs: {} ok, {} diverged, {} failed; {:.1f} min of run time in all</li>"
                      "<li>started {}; last run started {}</li><li>git revision: {}</li><li>{}</li>"
                      "<li>source GC by <code>{}</code>; accuracy: {}-shot <code>{}</code>; NC is CDNV</li></ul>\n",
                      html_escape(o.suite), html_escape(o.description), html_escape(results.folder.string()), o.ok,
                      o.diverged, o.failed, o.seconds / 60, o.started, o.finished, html_escape(o.revisions),
                      html_escape(o.versions), html_escape(headline.gc_estimator), html_escape(headline.shots),
                      html_escape(headline.classifier));
  html += "<h2>Does the paper's mechanism show?</h2>\n<p>Spearman rank correlations over each group's runs. The paper: "
          "lower source GC goes with lower target NC (&rho; &gt; 0), and lower target NC with higher few-shot "
          "accuracy (&rho; &lt; 0). Before transfer, GC bounds NC on the source classes themselves "
          "(&rho;(GC, source NC) &gt; 0).</p>\n<table id=\"mechanism\"><tr>";
  if (has_variants) html += "<th>variant</th>";
  html += "<th>swept</th><th>runs</th>";
  for (const auto& relation : MechanismCheck{}.relations()) {
    html += fmt::format("<th>&rho;({})</th><th>verdict</th>", relation.measures);
  }
  html += "</tr>\n";
  const auto verdict_cell = [](const Correlation& c, int sign) {
    const auto text = verdict(c, sign);
    const char* css = text.rfind("matches", 0) == 0 ? "match" : text.rfind("opposite", 0) == 0 ? "opposite" : "";
    return fmt::format("<td class=\"verdict {}\">{}</td>", css, html_escape(text));
  };
  for (const auto& c : report.checks) {
    html += "<tr>";
    if (has_variants) html += "<td>" + html_escape(c.variant) + "</td>";
    html += fmt::format("<td><code>{}</code></td><td>{}</td>", html_escape(c.swept), c.gc_vs_target_nc.n);
    for (const auto& relation : c.relations()) {
      html += fmt::format("<td>{}</td>{}", rho_text(relation.correlation),
                          verdict_cell(relation.correlation, relation.expected_sign));
    }
    html += "</tr>\n";
  }
  html += "</table>\n<h2>Figures</h2>\n";
  for (std::size_t i = 0; i < report.figures.size(); ++i) {
    const auto& figure = report.figures[i];
    html += fmt::format("<figure class=\"plot\" data-points=\"{}\">{}<figcaption><b>{}</b>. {}</figcaption></figure>\n",
                        figure.data_points, inline_svg(figure.svg, i), html_escape(figure.title), html_escape(figure.caption));
  }
  html += "<h2>Runs</h2>\n<table id=\"runs\"><tr>";
  for (const auto& name : table.header) html += "<th>" + html_escape(name) + "</th>";
  html += "</tr>\n";
  for (const auto& row : table.rows) {
    html += "<tr>";
    for (const auto& cell : row) html += "<td>" + html_escape(cell) + "</td>";
    html += "</tr>\n";
  }
  html += "</table>\n";
  for (const auto& warning : report.warnings) html += "<p><i>note: " + html_escape(warning) + "</i></p>\n";
  // Marks the page with how many figures drew at least their data's markers: a
  // headless browser's DOM dump then shows whether every plot rendered with data.
  html += "<script>\nwindow.addEventListener('load', function () {\n"
          "  var figures = document.querySelectorAll('figure.plot'), drawn = 0;\n"
          "  figures.forEach(function (f) {\n"
          "    var svg = f.querySelector('svg'), box = svg ? svg.getBoundingClientRect() : null;\n"
          "    var markers = svg ? Array.prototype.filter.call(svg.querySelectorAll('use'),\n"
          "        function (u) { return !u.closest('defs'); }).length : 0;\n"
          "    var ok = box && box.width > 0 && box.height > 0 && markers >= Number(f.dataset.points);\n"
          "    f.dataset.rendered = ok ? 'yes' : 'no';\n"
          "    if (ok) drawn++;\n"
          "  });\n"
          "  document.body.dataset.plotsRendered = drawn + '/' + figures.length;\n"
          "});\n</script>\n</body></html>\n";
  write_file(report.html, html);
  return report;
}

}  // namespace gcbench
