// Plots drawn by gnuplot (Debian's gnuplot-nox) as SVG.
#pragma once

#include <filesystem>
#include <string>

namespace gcbench {

// Writes `script` (data inline, so it reruns alone) to `svg` with ".gp", runs
// gnuplot on it to draw `svg` at width x height pixels, and returns the SVG text.
// Throws std::runtime_error with gnuplot's own message when it fails, or with
// what to install when gnuplot is missing.
std::string render_svg(const std::filesystem::path& svg, const std::string& script, int width = 640, int height = 420);

}  // namespace gcbench
