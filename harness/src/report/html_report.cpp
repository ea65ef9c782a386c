// report.html: the whole report in one file, plots inline as SVG, no external
// resources; every text from the records is escaped.
#include <fmt/format.h>

#include <cmath>
#include <regex>

#include "report/html_text.hpp"
#include "report/report_content.hpp"

namespace gcbench {

namespace {

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

std::string dose_section(const ReportContent& c) {
  if (c.dose.sweeps.empty()) return "";
  std::string html = "<h2>The sweeps as curves</h2>\n<p>" + html_escape(dose_intro(c.dose)) + "</p>\n";
  for (std::size_t k = 0; k < c.dose.sweeps.size(); ++k) {
    const auto& sweep = c.dose.sweeps[k];
    html += fmt::format("<h3><code>{}</code>{}</h3>\n<table class=\"dose\">", html_escape(sweep.key),
                        html_escape(dose_context(sweep)));
    const auto table = dose_table(sweep);
    for (std::size_t r = 0; r < table.size(); ++r) {
      html += "<tr>";
      for (const auto& cell : table[r]) html += fmt::format("<{0}>{1}</{0}>", r == 0 ? "th" : "td", html_escape(cell));
      html += "</tr>\n";
    }
    html += "</table>\n<ul class=\"readings\">";
    for (const auto& metric : sweep.metrics) {
      html += fmt::format("<li>{}: {}</li>", html_escape(metric.name), html_escape(metric.reading));
    }
    html += "</ul>\n";
    if (const auto& figure = c.dose_figures[k]) {
      // Ids after the main figures' (inline_svg prefixes them by position).
      html += fmt::format("<figure class=\"plot\" data-points=\"{}\">{}<figcaption><b>{}</b>. {}</figcaption></figure>\n",
                          figure->data_points, inline_svg(figure->svg, c.figures.size() + k), html_escape(figure->title),
                          html_escape(figure->caption));
    }
  }
  return html;
}

std::string split_section(const ReportContent& c) {
  if (!c.several_splits) return "";
  std::string html = fmt::format(
      "<h3>Within each class split</h3>\n<p>{} ({} resamples, seed {}).</p>\n"
      "<table id=\"splits\"><tr>{}<th>splits</th><th>relation</th><th>pooled within-split "
      "&rho; [95% CI]</th><th>reading</th><th>per split</th></tr>\n",
      html_escape(kSplitSectionIntro), kBootstrapResamples, kReportBootstrapSeed, c.has_variants ? "<th>variant</th>" : "");
  for (const auto& check : c.checks) {
    if (check.splits < 2) continue;
    for (const auto& relation : check.relations()) {
      html += fmt::format("<tr>{}<td>{}</td><td>{}</td><td>{}</td><td class=\"verdict {}\">{}</td><td>{}</td></tr>\n",
                          c.has_variants ? "<td>" + html_escape(check.variant) + "</td>" : "", check.splits, relation.measures,
                          pooled_text(relation.by_split.pooled),
                          evidence_class(evidence(relation.by_split.pooled, relation.expected_sign)),
                          html_escape(pooled_verdict(relation.by_split.pooled, relation.expected_sign)),
                          html_escape(per_split_text(relation.by_split)));
    }
  }
  return html + "</table>\n";
}

}  // namespace

std::string html_report(const ReportContent& c) {
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  html += fmt::format("<title>gcbench report: {}</title>\n", html_escape(c.suite));
  html +=
      "<style>body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}"
      "table{border-collapse:collapse;margin:1em 0;font-size:13px}td,th{border:1px solid #ccc;padding:3px 7px;"
      "text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}"
      "figure{display:inline-block;margin:0.5em 1em 1.5em 0;vertical-align:top;max-width:660px}"
      "figcaption{font-size:12px;color:#555}.match,.opposite,.verdict{text-align:left}"
      "code{background:#f4f4f4;padding:0 3px}" +
      std::string(kEvidenceStyle) + "</style></head>\n<body>\n";
  html += fmt::format(
      "<h1>gcbench report: {}</h1>\n<p>{}</p>\n<ul><li>results: <code>{}</code></li>"
      "<li>runs: {} ok, {} diverged, {} failed{}{}; {:.1f} min of run time in all</li>"
      "<li>started {}; last run started {}</li><li>git revision: {}</li><li>{}</li>"
      "<li>source GC by <code>{}</code> (w.r.t. {}); accuracy: {}-shot <code>{}</code>; NC is CDNV</li></ul>\n",
      html_escape(c.suite), html_escape(c.description), html_escape(c.results_folder.string()), c.ok, c.diverged, c.failed,
      c.crashed > 0 ? fmt::format(", {} crashed", c.crashed) : "",
      c.not_run.empty() ? "" : fmt::format(", {} planned but not run", c.not_run.size()), c.run_seconds / 60, c.started,
      c.last_started, html_escape(c.revisions), html_escape(c.versions), html_escape(c.headline.gc_estimator),
      html_escape(c.gc_input), c.headline.shots, html_escape(c.headline.classifier));
  html +=
      "<h2>Does the paper's mechanism show?</h2>\n<p>Spearman rank correlations over each group's runs. The paper: "
      "lower source GC goes with lower target NC (&rho; &gt; 0), and lower target NC with higher few-shot "
      "accuracy (&rho; &lt; 0). Before transfer, GC bounds NC on the source classes themselves "
      "(&rho;(GC, source NC) &gt; 0).</p>\n<table id=\"mechanism\"><tr>";
  if (c.has_variants) html += "<th>variant</th>";
  html += "<th>swept</th><th>runs</th>";
  for (const auto& relation : MechanismCheck{}.relations()) {
    html += fmt::format("<th>&rho;({})</th><th>verdict</th>", relation.measures);
  }
  html += "</tr>\n";
  const auto verdict_cell = [](const Correlation& correlation, int sign) {
    // Colour only where the test excludes 0: "the paper's sign, not significant" stays neutral.
    return fmt::format("<td class=\"verdict {}\">{}</td>", evidence_class(evidence(correlation, sign)),
                       html_escape(verdict(correlation, sign)));
  };
  for (const auto& check : c.checks) {
    html += "<tr>";
    if (c.has_variants) html += "<td>" + html_escape(check.variant) + "</td>";
    html += fmt::format("<td><code>{}</code></td><td>{}</td>", html_escape(check.swept), check.gc_vs_target_nc.n);
    for (const auto& relation : check.relations()) {
      html += fmt::format("<td>{}</td>{}", rho_text(relation.correlation),
                          verdict_cell(relation.correlation, relation.expected_sign));
    }
    html += "</tr>\n";
  }
  html += "</table>\n" + split_section(c) + dose_section(c) + "<h2>Figures</h2>\n";
  for (std::size_t i = 0; i < c.figures.size(); ++i) {
    const auto& figure = c.figures[i];
    html += fmt::format("<figure class=\"plot\" data-points=\"{}\">{}<figcaption><b>{}</b>. {}</figcaption></figure>\n",
                        figure.data_points, inline_svg(figure.svg, i), html_escape(figure.title), html_escape(figure.caption));
  }
  html += "<h2>Runs</h2>\n<table id=\"runs\"><tr>";
  for (const auto& name : c.runs.header) html += "<th>" + html_escape(name) + "</th>";
  html += "</tr>\n";
  for (const auto& row : c.runs.rows) {
    html += "<tr>";
    for (const auto& cell : row) html += "<td>" + html_escape(cell) + "</td>";
    html += "</tr>\n";
  }
  html += "</table>\n";
  for (const auto& line : c.not_ok) html += "<p class=\"status\">" + html_escape(line) + "</p>\n";
  if (!c.not_run.empty()) {
    html += "<h3>Planned but not run</h3>\n<ul id=\"not-run\">";
    for (const auto& line : c.not_run) html += "<li>" + html_escape(line) + "</li>";
    html += "</ul>\n";
  }
  for (const auto& warning : c.warnings) html += "<p><i>note: " + html_escape(warning) + "</i></p>\n";
  // Marks the page with how many figures drew at least their data's markers: a
  // headless browser's DOM dump then shows whether every plot rendered with data.
  html +=
      "<script>\nwindow.addEventListener('load', function () {\n"
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
  return html;
}

}  // namespace gcbench
