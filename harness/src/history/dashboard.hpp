// `gcbench dashboard`: one self-contained HTML page (no network, no files
// beside it) over the history: a plot per series across commits with its
// detected steps marked, a table of latest against baseline, and a filter by
// machine and by name. A benchmark's raw time that steps where a calibration
// case steps too is marked "machine"; its normalised series (in units of the
// calibration) is where a change of the code shows. The data travel inside the page as JSON; a small
// script draws the SVG plots.
#pragma once

#include <filesystem>
#include <string>

#include "history/history_db.hpp"

namespace gcbench {

struct DashboardOptions {
  std::string baseline_revision;  // the revision "baseline" means; empty: each series' first point
};

// Writes OUT/index.html and returns its path.
std::filesystem::path write_dashboard(const History& history, const std::filesystem::path& out, const DashboardOptions& options);

}  // namespace gcbench
