#include "report/report_plots.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <string_view>

#include "report/gnuplot.hpp"

namespace gcbench {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Viridis at five stops: ordered, readable in grey, and kind to colour blindness.
constexpr const char* kPalette = "set palette defined (0 '#440154', 1 '#3b528b', 2 '#21918c', 3 '#5ec962', 4 '#fde725')\n";

std::string label_of(const std::string& key) {
  const auto dot = key.rfind('.');
  return dot == std::string::npos ? key : key.substr(dot + 1);
}

std::string file_stem(const std::string& name, const std::string& variant) {
  std::string stem = variant.empty() ? name : name + "-" + variant;
  for (char& c : stem) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '_';
  }
  return stem;
}

// Text from the records (variant names, swept values, keys) as a gnuplot string.
// gnuplot expands `backticks` as shell commands and @macros on any command line,
// and interprets escapes inside double quotes, so user text never reaches it
// as written: only a plain set of characters passes, the rest become '?', and
// the string is single-quoted (no escapes) with enhanced-text markup escaped.
std::string quoted(const std::string& text) {
  std::string out = "'";
  for (const unsigned char c : text) {
    if (c == '_' || c == '^' || c == '{' || c == '}' || c == '~') {
      out += '\\';  // enhanced-text markup, shown as itself
      out += static_cast<char>(c);
    } else if (std::isalnum(c) || std::string_view(" .,:;+-=*/()[]%#!?|").find(static_cast<char>(c)) != std::string_view::npos) {
      out += static_cast<char>(c);
    } else {
      out += '?';
    }
  }
  return out + "'";
}

// Colour index of a run: the position of its swept value among the group's values.
double colour_of(const RunGroup& group, const RunMeasures& run) {
  if (group.colour_key.empty() || !run.swept.contains(group.colour_key)) return 0;
  const auto& value = run.swept[group.colour_key];
  const auto at = std::find(group.colour_values.begin(), group.colour_values.end(), value);
  return static_cast<double>(at - group.colour_values.begin());
}

// gnuplot tics naming each of the group's swept values at its index: ("0.01" 0, "0.1" 1).
std::string value_tics(const RunGroup& group) {
  std::vector<std::string> tics;
  for (std::size_t i = 0; i < group.colour_values.size(); ++i) {
    tics.push_back(fmt::format("{} {}", quoted(value_label(group.colour_values[i])), i));
  }
  return fmt::format("({})", fmt::join(tics, ", "));
}

std::string colour_axis(const RunGroup& group) {
  if (group.colour_key.empty()) return "unset colorbox\nset cbrange [0:1]\n";
  const auto k = group.colour_values.size();
  return fmt::format("set cbrange [-0.5:{}]\nset palette maxcolors {}\nset cbtics {}\nset cblabel {}\n",
                     static_cast<double>(k) - 0.5, std::max<std::size_t>(k, 2), value_tics(group),
                     quoted(label_of(group.colour_key)));
}

// Log scale where a positive axis spans more than a decade.
std::string axis_scale(const char* axis, const std::vector<double>& values) {
  if (values.empty()) return "";
  const auto [low, high] = std::minmax_element(values.begin(), values.end());
  return *low > 0 && *high / *low > 10 ? fmt::format("set logscale {}\n", axis) : "";
}

std::string title_suffix(const RunGroup& group) { return group.variant.empty() ? "" : " (" + group.variant + ")"; }

constexpr const char* kStyle =
    "set grid lc rgb '#dddddd'\nset border lc rgb '#444444'\nset key top right box opaque\nset tics nomirror\n";

std::optional<Figure> scatter(const RunGroup& group, const fs::path& dir, const std::string& name, const std::string& title,
                              const std::string& caption, const std::string& x_label, const std::string& y_label,
                              std::optional<double> RunMeasures::*x, std::optional<double> RunMeasures::*y, bool y_error_bars) {
  std::string data;
  std::vector<double> xs, ys;
  for (const auto& run : group.runs) {
    if (run.status != RunStatus::ok || !(run.*x) || !(run.*y)) continue;
    const double error = y_error_bars && run.accuracy_ci95 ? *run.accuracy_ci95 : 0.0;
    data += fmt::format("{:.9g} {:.9g} {:.9g} {}\n", *(run.*x), *(run.*y), error, colour_of(group, run));
    xs.push_back(*(run.*x));
    ys.push_back(*(run.*y));
  }
  if (xs.empty()) return std::nullopt;
  std::string script = std::string(kStyle) + kPalette + colour_axis(group) + axis_scale("x", xs) + axis_scale("y", ys);
  script += fmt::format("set title {}\nset xlabel {}\nset ylabel {}\nunset key\n", quoted(title + title_suffix(group)),
                        quoted(x_label), quoted(y_label));
  script += "$runs << EOD\n" + data + "EOD\n";
  script += y_error_bars ? "plot $runs using 1:2:3:4 with yerrorbars pt 7 ps 1.1 lc palette\n"
                         : "plot $runs using 1:2:4 with points pt 7 ps 1.3 lc palette\n";
  Figure figure{title + title_suffix(group), caption, dir / (file_stem(name, group.variant) + ".svg"), "", xs.size()};
  figure.svg = render_svg(figure.svg_file, script);
  return figure;
}

// `quantity` of each run's trajectory against the training step, one line per run.
std::optional<Figure> trajectory(const RunGroup& group, const fs::path& dir, double TrajectoryPoint::*quantity,
                                 const std::string& name, const std::string& y_label) {
  std::string data;
  std::vector<double> ys;
  std::size_t points = 0;
  for (const auto& run : group.runs) {
    std::string line;
    for (const auto& point : run.record->training.trajectory) {
      if (!std::isfinite(point.*quantity)) continue;
      line += fmt::format("{} {:.9g} {}\n", point.step, point.*quantity, colour_of(group, run));
      ys.push_back(point.*quantity);
      ++points;
    }
    if (!line.empty()) data += line + "\n";  // a blank line ends the run's line
  }
  if (points == 0) return std::nullopt;
  const std::string title = y_label + " over training" + title_suffix(group);
  std::string script = std::string(kStyle) + kPalette + colour_axis(group) + axis_scale("y", ys);
  script += fmt::format("set title {}\nset xlabel 'SGD step'\nset ylabel {}\nunset key\n", quoted(title), quoted(y_label));
  script += "$runs << EOD\n" + data + "EOD\n";
  script += "plot $runs using 1:2:3 with linespoints pt 7 ps 0.6 lw 1.5 lc palette\n";
  Figure figure{title, "Measured every training.trajectory_every steps on fixed probe images; one line per run.",
                dir / (file_stem("trajectory_" + name, group.variant) + ".svg"), "", points};
  figure.svg = render_svg(figure.svg_file, script);
  return figure;
}

// Each estimator's relative error against `exact`, by the swept value.
std::optional<Figure> estimator_error(const RunGroup& group, const fs::path& dir) {
  std::map<std::string, std::string> data;  // estimator -> rows
  std::vector<double> xs;
  std::size_t points = 0;
  for (const auto& run : group.runs) {
    if (run.status != RunStatus::ok || !run.record->metrics) continue;
    const auto& gc = run.record->metrics->source.gc;
    const auto exact_gc = gc.find("exact");
    if (exact_gc == gc.end()) continue;
    const double exact = exact_gc->second.value;
    if (!(exact > 0)) continue;
    const double x = group.colour_key.empty()                  ? 0.0
                     : run.swept[group.colour_key].is_number() ? run.swept[group.colour_key].get<double>()
                                                               : colour_of(group, run);
    xs.push_back(x);
    for (const auto& [name, estimate] : gc) {
      if (name == "exact" || !std::isfinite(estimate.value)) continue;
      data[name] += fmt::format("{:.9g} {:.9g}\n", x, 100 * std::abs(estimate.value - exact) / exact);
      ++points;
    }
  }
  if (points == 0) return std::nullopt;
  const std::string title = "GC estimators against exact" + title_suffix(group);
  const bool numeric_x = group.colour_key.empty() || group.colour_values.front().is_number();
  std::string script = std::string(kStyle) + (numeric_x ? axis_scale("x", xs) : "");
  script += fmt::format("set title {}\nset xlabel {}\nset ylabel 'relative error of the estimate, %'\nset yrange [0:*]\n",
                        quoted(title), quoted(group.colour_key.empty() ? "run" : label_of(group.colour_key)));
  if (!numeric_x) script += "set xtics " + value_tics(group) + "\n";
  std::vector<std::string> plots;
  int block = 0;
  for (const auto& [name, rows] : data) {
    script += fmt::format("$e{} << EOD\n{}EOD\n", block, rows);
    plots.push_back(fmt::format("$e{} using 1:2 with points pt {} ps 1.3 title {}", block, 5 + 2 * block, quoted(name)));
    ++block;
  }
  script += "plot " + fmt::format("{}", fmt::join(plots, ", ")) + "\n";
  Figure figure{title, "|estimate - exact| / exact on the same images, per run and estimator.",
                dir / (file_stem("estimator_error", group.variant) + ".svg"), "", points};
  figure.svg = render_svg(figure.svg_file, script);
  return figure;
}

// Where a sweep's values go on the x axis: log10 where they are positive and
// span more than a decade, evenly spaced and labelled where they also hold 0
// (0, 1e-3, 1e-2, ...), else as they are.
struct SweepAxis {
  std::vector<double> positions;
  std::string setup;  // gnuplot commands for the axis
};

SweepAxis sweep_axis(const std::vector<double>& values, const std::string& label) {
  SweepAxis axis{values, fmt::format("set xlabel {}\n", quoted(label))};
  const bool has_zero = !values.empty() && values.front() == 0;
  const double smallest = has_zero && values.size() > 1 ? values[1] : values.empty() ? 0 : values.front();
  const bool decades = smallest > 0 && values.back() / smallest > 10;
  if (decades && !has_zero) {
    axis.setup += "set logscale x\n";
  } else if (decades) {
    std::vector<std::string> tics;
    for (std::size_t i = 0; i < values.size(); ++i) {
      axis.positions[i] = static_cast<double>(i);
      tics.push_back(fmt::format("{} {}", quoted(fmt::format("{:g}", values[i])), i));
    }
    axis.setup += fmt::format("set xtics ({})\nset xrange [-0.5:{}]\n", fmt::join(tics, ", "), values.size() - 0.5);
  }
  return axis;
}

std::optional<Figure> dose_figure(const DoseSweep& sweep, const fs::path& dir) {
  const auto axis = sweep_axis(sweep.values, label_of(sweep.key));
  const auto position = [&](double value) {
    const auto at = std::lower_bound(sweep.values.begin(), sweep.values.end(), value) - sweep.values.begin();
    return axis.positions[static_cast<std::size_t>(at)];
  };
  std::string script = std::string(kStyle) + "set multiplot layout 2,3 rowsfirst\nunset key\n";
  std::size_t points = 0;
  for (std::size_t m = 0; m < sweep.metrics.size(); ++m) {
    const auto& metric = sweep.metrics[m];
    std::string means, fit, underfit;
    for (std::size_t i = 0; i < sweep.values.size(); ++i) {
      const auto& p = metric.points[i];
      if (std::isnan(p.mean)) continue;
      means += fmt::format("{:.9g} {:.9g} {:.9g}\n", axis.positions[i], p.mean, std::isnan(p.half_width) ? 0.0 : p.half_width);
    }
    for (const auto& run : sweep.each_run) {
      if (!run.metrics[m] || !std::isfinite(*run.metrics[m])) continue;
      (run.underfit ? underfit : fit) += fmt::format("{:.9g} {:.9g}\n", position(run.value), *run.metrics[m]);
      ++points;
    }
    if (means.empty()) {
      script += "set multiplot next\n";
      continue;
    }
    script += fmt::format("set title {}\n{}", quoted(metric.name), axis.setup);
    std::vector<std::string> layers;
    if (!fit.empty()) {
      script += fmt::format("$f{} << EOD\n{}EOD\n", m, fit);
      layers.push_back(fmt::format("$f{} using 1:2 with points pt 7 ps 0.5 lc rgb '#9e9e9e'", m));
    }
    if (!underfit.empty()) {
      script += fmt::format("$u{} << EOD\n{}EOD\n", m, underfit);
      layers.push_back(fmt::format("$u{} using 1:2 with points pt 2 ps 1.3 lw 2 lc rgb '#c62828'", m));
    }
    script += fmt::format("$m{} << EOD\n{}EOD\n", m, means);
    layers.push_back(fmt::format("$m{} using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#21918c'", m));
    script += fmt::format("plot {}\n", fmt::join(layers, ", "));
    script += "unset logscale x\n";
  }
  script += "unset multiplot\n";
  if (points == 0) return std::nullopt;
  std::string title = "Dose-response: " + sweep.key;
  if (!sweep.variant.empty()) title += " (" + sweep.variant + ")";
  if (!sweep.fixed.empty()) title += ", " + sweep.fixed;
  Figure figure{title,
                "Each run a grey point, underfit runs (source train accuracy clearly below the median) a red cross; "
                "the line joins the means at each value, with 95% intervals over the runs there.",
                dir / (file_stem("dose_" + sweep.key + (sweep.fixed.empty() ? "" : "_" + sweep.fixed), sweep.variant) + ".svg"),
                "", points};
  figure.svg = render_svg(figure.svg_file, script, 1080, 640);
  return figure;
}

}  // namespace

std::vector<std::optional<Figure>> draw_dose_response(const DoseResponse& response, const fs::path& plots_dir) {
  fs::create_directories(plots_dir);
  std::vector<std::optional<Figure>> figures;
  for (const auto& sweep : response.sweeps) figures.push_back(dose_figure(sweep, plots_dir));
  return figures;
}

std::vector<Figure> draw_figures(const std::vector<RunGroup>& groups, const Headline& headline, const fs::path& plots_dir) {
  fs::create_directories(plots_dir);
  std::vector<Figure> figures;
  const auto keep = [&](std::optional<Figure> figure) {
    if (figure) figures.push_back(std::move(*figure));
  };
  const std::string gc_label = fmt::format("source GC ({})", headline.gc_estimator);
  const std::string accuracy_label = fmt::format("{}-shot accuracy ({})", headline.shots, headline.classifier);
  for (const auto& group : groups) {
    keep(scatter(group, plots_dir, "gc_vs_target_nc", "Source GC vs target NC",
                 "The paper's claim: lower source GC goes with lower target NC (a positive rank correlation).", gc_label,
                 "target NC (CDNV)", &RunMeasures::source_gc, &RunMeasures::target_nc, false));
    keep(scatter(group, plots_dir, "target_nc_vs_accuracy", "Target NC vs few-shot accuracy",
                 "The paper's claim: lower target NC goes with higher few-shot accuracy (a negative rank "
                 "correlation). Bars: 95% intervals over episodes.",
                 "target NC (CDNV)", accuracy_label, &RunMeasures::target_nc, &RunMeasures::accuracy, true));
    keep(trajectory(group, plots_dir, &TrajectoryPoint::gc, "gc", "GC"));
    keep(trajectory(group, plots_dir, &TrajectoryPoint::nc_cdnv, "nc_cdnv", "source NC (CDNV)"));
    keep(estimator_error(group, plots_dir));
  }
  return figures;
}

}  // namespace gcbench
