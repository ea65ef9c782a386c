#include <fmt/format.h>

#include "commands.hpp"
#include "plan/plan.hpp"

namespace gcbench::cli {

int validate_command(const SuiteArguments& arguments) {
  LoadedSuite loaded = load_suite(arguments);
  const auto runs = plan_runs(loaded.suite);
  std::size_t points = 1;
  for (const auto& axis : loaded.suite.sweep) points *= axis.values.size();
  fmt::print("{}: valid; suite '{}', {} sweep point(s) x {} seed(s) = {} runs\n", arguments.suite.string(),
             loaded.suite.name, points, loaded.suite.seeds.size(), runs.size());
  for (const auto& axis : loaded.suite.sweep) {
    std::vector<std::string> values;
    for (const auto& v : axis.values) values.push_back(v.dump());
    fmt::print("  sweep {} = [{}]\n", axis.key, fmt::join(values, ", "));
  }
  return 0;
}

}  // namespace gcbench::cli
