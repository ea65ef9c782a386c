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
  const std::size_t not_run = runs.size() - summary.records.size();
  if (summary.failed > 0 || not_run > 0) {
    fmt::print(stderr, "{} of {} runs failed{}; their errors are in the records\n", summary.failed, runs.size(),
               not_run > 0 ? fmt::format(" and {} did not run (the suite stopped)", not_run) : "");
    return kExitRunFailed;
  }
  if (summary.diverged > 0) {
    fmt::print(stderr, "{} of {} runs diverged (loss NaN or infinite); lower training.lr\n", summary.diverged, runs.size());
    return kExitRunDiverged;
  }
  return 0;
}

}  // namespace gcbench::cli
