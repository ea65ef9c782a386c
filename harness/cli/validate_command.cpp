#include <fmt/format.h>

#include "commands.hpp"
#include "plan/plan.hpp"

namespace gcbench::cli {

int validate_command(const SuiteArguments& arguments) {
  LoadedSuite loaded = load_suite(arguments);
  const auto runs = plan_runs(loaded.suite);
  fmt::print("{}: valid; suite '{}', {} runs\n", arguments.suite.string(), loaded.suite.name, runs.size());
  for (const auto& variant : loaded.suite.variants) {
    fmt::print("  {}{} sweep point(s) x {} seed(s)\n", variant.name.empty() ? "" : "variant " + variant.name + ": ",
               sweep_points(variant), variant.seeds.size());
    for (const auto& axis : variant.sweep) {
      std::vector<std::string> points;
      points.reserve(axis.points.size());
      for (const auto& point : axis.points) {
        std::vector<std::string> values;
        values.reserve(point.size());
        for (const auto& value : point) values.push_back(value.dump());
        points.push_back(values.size() == 1 ? values.front() : fmt::format("({})", fmt::join(values, ", ")));
      }
      fmt::print("    sweep {} = [{}]\n", fmt::join(axis.keys, " + "), fmt::join(points, ", "));
    }
  }
  return 0;
}

}  // namespace gcbench::cli
