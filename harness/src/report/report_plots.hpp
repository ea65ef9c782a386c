// The report's figures: what each shows, drawn into a plots folder as SVG.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "report/dose_response.hpp"
#include "report/suite_results.hpp"

namespace gcbench {

struct Figure {
  std::string title;
  std::string caption;
  std::filesystem::path svg_file;  // plots/<name>.svg, beside its .gp script
  std::string svg;                 // the drawing itself
  std::size_t data_points = 0;     // markers the figure must show
};

// Per group: source GC vs target NC and target NC vs few-shot accuracy, coloured
// by the swept value; GC and NC over training where runs recorded trajectories;
// each estimator's error against `exact` where both were run.
std::vector<Figure> draw_figures(const std::vector<RunGroup>& groups, const Headline& headline,
                                 const std::filesystem::path& plots_dir);

// One figure per sweep: a panel per metric, each run a grey point (underfit
// runs a red cross) and the mean at each value with its 95% interval.
// Aligned with response.sweeps; none where a sweep has nothing to draw.
std::vector<std::optional<Figure>> draw_dose_response(const DoseResponse& response, const std::filesystem::path& plots_dir);

}  // namespace gcbench
