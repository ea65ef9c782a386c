#include <fmt/format.h>

#include "commands.hpp"
#include "compare/compare_benchmarks.hpp"
#include "compare/compare_paired_benchmarks.hpp"
#include "compare/compare_results.hpp"

namespace gcbench::cli {
namespace fs = std::filesystem;

namespace {

int report(const Comparison& comparison, bool as_json) {
  if (as_json) {
    fmt::print("{}\n", to_json(comparison).dump(2));
  } else {
    fmt::print("{}", comparison_text(comparison));
  }
  return comparison.exit_code();
}

}  // namespace

int compare_command(const CompareArguments& arguments) {
  try {
    Thresholds thresholds;
    if (!arguments.thresholds.empty()) thresholds = read_thresholds(arguments.thresholds);
    if (arguments.contender.empty()) {
      const fs::path file = arguments.baseline;
      if (!fs::exists(file)) throw CannotCompare(fmt::format("{} does not exist", file.string()));
      return report(compare_paired_benchmarks(file, thresholds), arguments.as_json);
    }
    const fs::path baseline = arguments.baseline, contender = arguments.contender;
    for (const auto& [path, which] : {std::pair{baseline, "baseline"}, std::pair{contender, "contender"}}) {
      if (!fs::exists(path)) throw CannotCompare(fmt::format("the {} {} does not exist", which, path.string()));
    }
    if (fs::is_directory(baseline) != fs::is_directory(contender)) {
      throw CannotCompare(
          fmt::format("{} and {}: give two results folders, or two benchmark JSON files", baseline.string(), contender.string()));
    }
    return report(fs::is_directory(baseline) ? compare_results(baseline, contender, thresholds, {arguments.across_machines})
                                             : compare_benchmarks(baseline, contender, thresholds),
                  arguments.as_json);
  } catch (const std::exception& error) {  // CannotCompare, and a thresholds file that cannot be read
    if (arguments.as_json) {
      fmt::print("{}\n", nlohmann::json{{"exit_code", kExitCannotCompare}, {"error", error.what()}}.dump(2));
    }
    fmt::print(stderr, "cannot compare: {}\n", error.what());
    return kExitCannotCompare;
  }
}

}  // namespace gcbench::cli
