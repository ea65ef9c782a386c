// Everything a report shows, gathered once from a suite's records; the
// Markdown and HTML writers only lay it out.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "report/dose_response.hpp"
#include "report/mechanism.hpp"
#include "report/report_plots.hpp"
#include "report/suite_results.hpp"
#include "report/summary_table.hpp"

namespace gcbench {

struct ReportContent {
  std::filesystem::path results_folder;
  std::string suite, description;
  std::string revisions;  // every git revision the records name, joined
  std::string versions;   // "gcbench 0.1.0, LibTorch 1.13.1", each distinct pair
  std::string started, last_started;
  std::size_t ok = 0, diverged = 0, failed = 0, crashed = 0;
  double run_seconds = 0;  // summed over runs
  Headline headline;
  std::string gc_input;  // "the standardised input the network sees", or "pixels in [0, 1]", or both
  bool has_variants = false;
  std::vector<MechanismCheck> checks;
  bool several_splits = false;  // some group's runs come from more than one class split
  DoseResponse dose;
  std::vector<std::optional<Figure>> dose_figures;  // aligned with dose.sweeps; none where nothing could be drawn
  std::vector<Figure> figures;
  RunTable runs;
  std::vector<std::string> not_ok;   // "run 3 (id): **failed**: message", one per run that is not ok
  std::vector<std::string> not_run;  // "run 7 (id), variant lr, seed 1: {...}", one per planned run with no record
  std::vector<std::string> warnings;
};

// Reads the results, checks the mechanism and draws the figures into plots_dir.
ReportContent gather_report(const SuiteResults& results, const std::filesystem::path& plots_dir);

std::string markdown_report(const ReportContent& content);
// One self-contained file: plots inline as SVG, no external resources.
std::string html_report(const ReportContent& content);

}  // namespace gcbench
