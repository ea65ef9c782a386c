#include <fmt/format.h>

#include "commands.hpp"
#include "history/dashboard.hpp"
#include "history/history_import.hpp"
#include "stats/changepoints.hpp"

namespace gcbench::cli {
namespace fs = std::filesystem;

int history_add_command(const HistoryArguments& arguments) {
  auto history = History::open(arguments.db);
  for (const auto& input : arguments.inputs) {
    const fs::path path = input;
    if (!fs::exists(path)) throw std::runtime_error(fmt::format("{} does not exist", path.string()));
    const auto summary = fs::is_directory(path) ? add_results_folder(history, path, arguments.machine)
                                                : add_benchmark_file(history, path, arguments.machine);
    fmt::print("{}: {} added ({} points), {} already in the history\n", path.string(), summary.added, summary.points,
               summary.already);
  }
  fmt::print("history {}: {} sources\n", history.file().string(), history.source_count());
  return 0;
}

int history_show_command(const HistoryArguments& arguments) {
  if (!fs::exists(arguments.db))
    throw std::runtime_error(fmt::format("no history at {}; `gcbench history add` makes one", arguments.db));
  const auto history = History::open(arguments.db);
  const std::string pattern = arguments.inputs.empty() ? "" : arguments.inputs.front();
  std::vector<std::string> machines = history.machines();
  if (!arguments.machine.empty()) machines = {arguments.machine};
  std::size_t matched = 0;
  for (const auto& info : history.series_names()) {
    if (info.name.find(pattern) == std::string::npos) continue;
    for (const auto& machine : machines) {
      const auto points = history.series(info.name, machine);
      if (points.empty()) continue;
      ++matched;
      std::vector<double> values;
      for (const auto& p : points) values.push_back(p.value);
      const auto steps = detect_steps(values);
      if (pattern.empty()) {  // one line per series
        fmt::print(
            "{}  [{}]  {} points, latest {:.6g}{}\n", info.name, machine, points.size(), values.back(),
            steps.empty() ? "" : fmt::format(", {} step(s), last at {}", steps.size(), points[steps.back().index].git_revision));
        continue;
      }
      fmt::print("\n{} [{}]{}\n", info.name, machine, info.unit.empty() ? "" : " (" + info.unit + ")");
      for (std::size_t i = 0; i < points.size(); ++i) {
        std::string mark;
        for (const auto& step : steps) {
          if (step.index == i)
            mark = fmt::format("  <- step: {:.6g} -> {:.6g} ({:+.1f}%)", step.before, step.after, 100 * step.relative());
        }
        fmt::print("  {}  {:<20}  {:>12.6g}{}\n", points[i].recorded_at, points[i].git_revision.substr(0, 20), points[i].value,
                   mark);
      }
      fmt::print("  noise (robust sd of successive differences): {:.3g}; steps: {}\n", series_noise(values), steps.size());
    }
  }
  if (matched == 0) {
    fmt::print(stderr, "no series{} in {}\n", pattern.empty() ? "" : " contains '" + pattern + "'", arguments.db);
    return 1;
  }
  return 0;
}

int dashboard_command(const DashboardArguments& arguments) {
  if (!fs::exists(arguments.db))
    throw std::runtime_error(fmt::format("no history at {}; `gcbench history add` makes one", arguments.db));
  const auto history = History::open(arguments.db);
  const auto file = write_dashboard(history, arguments.out, {arguments.baseline});
  fmt::print("dashboard: {} ({} series, {} machines)\n", file.string(), history.series_names().size(), history.machines().size());
  return 0;
}

}  // namespace gcbench::cli
