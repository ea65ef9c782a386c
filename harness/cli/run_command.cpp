#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "plan/plan.hpp"
#include "report/summary_table.hpp"
#include "runner/suite_runner.hpp"

namespace gcbench::cli {

int run_command(const SuiteArguments& arguments, const std::filesystem::path& out, std::optional<int> threads) {
  SuiteArguments with_threads = arguments;
  if (threads) with_threads.overrides.push_back(fmt::format("runtime.threads={}", *threads));
  LoadedSuite loaded = load_suite(with_threads);
  const auto runs = plan_runs(loaded.suite);
  spdlog::info("suite '{}': {} runs, {} to train", loaded.suite.name, runs.size(), planned_trainings(runs));

  const auto summary = run_suite(loaded.suite, runs, loaded.registry, out);
  fmt::print("\n{}\n", summary_table(summary.records));
  fmt::print("records: {}\n", (summary.results_dir / "runs.jsonl").string());
  fmt::print("networks trained: {}\n", summary.trainings);
  if (summary.failed > 0 || summary.records.size() < runs.size()) {
    fmt::print(stderr, "{} of {} runs failed; their errors are in the records\n",
               summary.failed + (runs.size() - summary.records.size()), runs.size());
    return 1;
  }
  return 0;
}

}  // namespace gcbench::cli
