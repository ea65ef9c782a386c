#include "history/dashboard.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <map>
#include <set>

#include "record/bench_file.hpp"
#include "record/provenance.hpp"
#include "stats/changepoints.hpp"
#include "util/atomic_file.hpp"

namespace gcbench {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The page: data in <script type="application/json">, drawn by the script below.
// Every text from the history reaches the page through textContent or an
// attribute, never as markup.
constexpr const char* kPage = R"html(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>gcbench history</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em} h2{font-size:1.1em;margin-top:1.5em}
.controls{margin:1em 0} .controls label{margin-right:1.5em}
table{border-collapse:collapse;font-size:.85em} td,th{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums} tr.step td{background:#fff3e0}
.grid{display:flex;flex-wrap:wrap;gap:1em} figure{margin:0;border:1px solid #ddd;padding:.5em;width:340px}
figcaption{font-size:.8em;word-break:break-all} svg .line{fill:none;stroke:#1565c0;stroke-width:1.5}
svg circle{fill:#1565c0} svg .step{stroke:#e65100;stroke-dasharray:4 3;stroke-width:1.5}
svg .step.machine{stroke:#9e9e9e}
svg .axis{fill:#666;font-size:10px} .empty{color:#888}
</style></head><body>
<h1>gcbench history</h1>
<p id="summary"></p>
<div class="controls"><label>machine <select id="machine"></select></label>
<label>series containing <input id="filter" type="search" placeholder="e.g. fewshot or bench/"></label></div>
<h2>Latest against baseline</h2>
<table id="latest"><thead><tr><th>series</th><th>baseline</th><th>latest</th><th>change</th><th>steps</th></tr></thead><tbody></tbody></table>
<h2>Series</h2>
<div class="grid" id="plots"></div>
<script type="application/json" id="data">@DATA@</script>
<script>
"use strict";
const data = JSON.parse(document.getElementById("data").textContent);
const NS = "http://www.w3.org/2000/svg";
const el = (tag, attrs, text) => {
  const e = tag.startsWith("svg:") ? document.createElementNS(NS, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
};
const fmt = v => (v === null || v === undefined) ? "-" : Number(v).toPrecision(4);
// "machine": the calibration stepped at the same night, so the machine changed speed, not the code.
const stepText = (run, s) => `${run.points[s.index].revision.slice(0, 10)}: ${fmt(s.before)} -> ${fmt(s.after)}${s.machine ? " (machine)" : ""}`;
function plot(series, run) {
  const W = 320, H = 150, L = 48, R = 8, T = 8, B = 22;
  const svg = el("svg:svg", {width: W, height: H, "data-series": series.name, "data-points": run.points.length,
                             "data-steps": run.steps.length});
  const values = run.points.map(p => p.value);
  let lo = Math.min(...values), hi = Math.max(...values);
  if (hi === lo) { lo -= Math.abs(lo) * 0.05 || 1; hi += Math.abs(hi) * 0.05 || 1; }
  const x = i => L + (run.points.length === 1 ? (W - L - R) / 2 : i * (W - L - R) / (run.points.length - 1));
  const y = v => T + (hi - v) * (H - T - B) / (hi - lo);
  svg.appendChild(el("svg:text", {x: 2, y: T + 8, class: "axis"}, fmt(hi)));
  svg.appendChild(el("svg:text", {x: 2, y: H - B, class: "axis"}, fmt(lo)));
  svg.appendChild(el("svg:text", {x: L, y: H - 6, class: "axis"}, run.points[0].revision.slice(0, 10)));
  svg.appendChild(el("svg:text", {x: W - R - 60, y: H - 6, class: "axis"}, run.points[run.points.length - 1].revision.slice(0, 10)));
  for (const s of run.steps) {
    const at = x(s.index - 0.5);
    const line = el("svg:line", {x1: at, x2: at, y1: T, y2: H - B, class: s.machine ? "step machine" : "step",
                                 "data-index": s.index});
    line.appendChild(el("svg:title", {}, stepText(run, s)));
    svg.appendChild(line);
  }
  svg.appendChild(el("svg:polyline", {class: "line", points: run.points.map((p, i) => `${x(i)},${y(p.value)}`).join(" ")}));
  run.points.forEach((p, i) => {
    const c = el("svg:circle", {cx: x(i), cy: y(p.value), r: 2.5, "data-value": p.value});
    c.appendChild(el("svg:title", {}, `${p.revision} ${p.recorded_at}: ${p.value}`));
    svg.appendChild(c);
  });
  return svg;
}
function render() {
  const machine = document.getElementById("machine").value;
  const filter = document.getElementById("filter").value;
  const plots = document.getElementById("plots"), body = document.querySelector("#latest tbody");
  plots.replaceChildren(); body.replaceChildren();
  let shown = 0;
  for (const series of data.series) {
    const run = series.machines[machine];
    if (!run || !series.name.includes(filter)) continue;
    ++shown;
    const figure = el("figure", {});
    figure.appendChild(plot(series, run));
    figure.appendChild(el("figcaption", {}, `${series.name}${series.unit ? " (" + series.unit + ")" : ""}`));
    plots.appendChild(figure);
    const base = run.baseline, last = run.points[run.points.length - 1].value;
    const change = (base === null || base === 0) ? "-" : ((last - base) / Math.abs(base) * 100).toFixed(1) + "%";
    const row = el("tr", run.steps.some(s => !s.machine) ? {class: "step"} : {});
    row.appendChild(el("td", {}, series.name));
    row.appendChild(el("td", {class: "num"}, fmt(base)));
    row.appendChild(el("td", {class: "num"}, fmt(last)));
    row.appendChild(el("td", {class: "num"}, change));
    row.appendChild(el("td", {}, run.steps.map(s => stepText(run, s)).join("; ")));
    body.appendChild(row);
  }
  document.getElementById("summary").textContent =
    `${shown} of ${data.series.length} series on ${machine || "no machine"}; baseline: ${data.baseline || "each series' first point"}; written ${data.generated_at} by gcbench ${data.gcbench_version}`;
  if (!shown) plots.appendChild(el("p", {class: "empty"}, "no series match"));
}
const select = document.getElementById("machine");
for (const m of data.machines) select.appendChild(el("option", {value: m}, m));
select.addEventListener("change", render);
document.getElementById("filter").addEventListener("input", render);
render();
</script></body></html>
)html";

bool is_calibration_series(const std::string& name) {
  return name.rfind("bench/calibration/", 0) == 0 && ends_with_real_time(name);
}

// Per machine, when (recorded_at) a calibration case stepped: the machine changed speed there.
std::map<std::string, std::set<std::string>> machine_steps(const History& history) {
  std::map<std::string, std::set<std::string>> at;
  for (const auto& info : history.series_names()) {
    if (!is_calibration_series(info.name)) continue;
    for (const auto& machine : history.machines()) {
      const auto points = history.series(info.name, machine);
      std::vector<double> values;
      for (const auto& p : points) values.push_back(p.value);
      for (const auto& step : detect_steps(values)) at[machine].insert(points[step.index].recorded_at);
    }
  }
  return at;
}

}  // namespace

fs::path write_dashboard(const History& history, const fs::path& out, const DashboardOptions& options) {
  const auto calibration_steps = machine_steps(history);
  json series_list = json::array();
  for (const auto& info : history.series_names()) {
    // A raw time that steps where the calibration steps measured the machine, not the code; the
    // normalised series (real_time_normalised) are where a code change shows.
    const bool raw_time = info.name.rfind("bench/", 0) == 0 && info.unit == "s";
    json by_machine = json::object();
    for (const auto& machine : history.machines()) {
      const auto points = history.series(info.name, machine);
      if (points.empty()) continue;
      json entries = json::array();
      std::vector<double> values;
      std::optional<double> baseline;
      for (const auto& p : points) {
        entries.push_back({{"revision", p.git_revision}, {"recorded_at", p.recorded_at}, {"value", p.value}});
        values.push_back(p.value);
        if (!baseline && (options.baseline_revision.empty() || p.git_revision.rfind(options.baseline_revision, 0) == 0)) {
          baseline = p.value;
        }
      }
      json steps = json::array();
      const auto stepped = calibration_steps.find(machine);
      for (const auto& step : detect_steps(values)) {
        const bool machine_step =
            raw_time && stepped != calibration_steps.end() && stepped->second.count(points[step.index].recorded_at) > 0;
        steps.push_back({{"index", step.index}, {"before", step.before}, {"after", step.after}, {"machine", machine_step}});
      }
      by_machine[machine] = {{"points", entries}, {"steps", steps}, {"baseline", baseline ? json(*baseline) : json()}};
    }
    series_list.push_back({{"name", info.name}, {"unit", info.unit}, {"machines", by_machine}});
  }
  const json data = {{"series", series_list},
                     {"machines", history.machines()},
                     {"baseline", options.baseline_revision.empty() ? json() : json(options.baseline_revision)},
                     {"generated_at", utc_timestamp()},
                     {"gcbench_version", gcbench_version()}};
  std::string embedded;
  for (const char c : data.dump()) embedded += c == '<' ? std::string("\\u003c") : std::string(1, c);  // no "</script>" inside
  std::string page = kPage;
  page.replace(page.find("@DATA@"), 6, embedded);
  fs::create_directories(out);
  auto file = out / "index.html";
  write_file_atomically(file, page);
  return file;
}

}  // namespace gcbench
