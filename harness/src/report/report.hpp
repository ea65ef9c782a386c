// `gcbench report`: a suite's results as report.md and a self-contained report.html.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "report/mechanism.hpp"
#include "report/report_plots.hpp"

namespace gcbench {

struct Report {
  std::filesystem::path markdown, html;
  std::vector<MechanismCheck> checks;
  std::vector<Figure> figures;
  std::vector<std::string> warnings;
  std::size_t not_run = 0;  // planned runs with no record: the suite stopped before them
};

// Reads the results (see load_suite_results) and writes report.md, report.html
// and plots/ into `out_dir`, or into the results folder when out_dir is empty.
Report write_report(const std::filesystem::path& results, const std::filesystem::path& out_dir = {});

}  // namespace gcbench
