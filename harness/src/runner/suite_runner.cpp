#include "runner/suite_runner.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "plan/plan_diff.hpp"
#include "plugins/plugin_registry.hpp"
#include "runner/reidentify.hpp"
#include "runner/run_attempt.hpp"
#include "runner/stop_signals.hpp"
#include "util/atomic_file.hpp"
#include "util/child_process.hpp"
#include "util/progress.hpp"

namespace gcbench {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kOutcomeFile = "outcome.json";

// The run in a `gcbench run-one` process. A process that died leaves no
// outcome: its record says how it died and what it last wrote.
bool attempt_in_child(const PlannedRun& run, const fs::path& folder_path, const fs::path& dir, const SuiteRunOptions& options,
                      StopSignals& stop, RunRecord& record) {
  const fs::path outcome = dir / kOutcomeFile;
  fs::remove(outcome);
  std::vector<std::string> argv = options.child_command;
  for (const std::string& arg : {std::string("--results"), folder_path.string(), std::string("--index"),
                                 std::to_string(run.index), std::string("--run-id"), run.id}) {
    argv.push_back(arg);
  }
  const auto start = std::chrono::steady_clock::now();
  ChildOptions child;
  child.on_process_group = [&stop](pid_t group) { stop.set_child(group); };
  const ChildExit exit = run_child(argv, child);
  const bool wrote_outcome = fs::exists(outcome);
  if (wrote_outcome && exit.exit_code && (*exit.exit_code == 0 || *exit.exit_code == kRunOneDatasetUnusable)) {
    RunRecord written;
    try {
      std::ifstream in(outcome);
      written = run_record_from_json(json::parse(in));
    } catch (const std::exception& error) {
      throw std::runtime_error(
          fmt::format("{}: the run's process wrote an outcome this gcbench cannot read ({}); is "
                      "`gcbench run-one` another version than `gcbench run`?",
                      outcome.string(), error.what()));
    }
    fs::remove(outcome);
    record = std::move(written);
    return *exit.exit_code == kRunOneDatasetUnusable;
  }
  record.status = RunStatus::crashed;
  record.crash = Crash{exit.signal, exit.exit_code, exit.stderr_tail};
  record.error = fmt::format(
      "the run's process ended with {} before recording its outcome{}; the last lines it wrote "
      "are in crash.stderr_tail. Resume the suite to run it again, or run it alone with "
      "--in-process under a debugger",
      describe(exit), exit.signal && *exit.signal == 9 ? " (SIGKILL: often the out-of-memory killer)" : "");
  record.seconds = seconds_since(start);
  record.timings["total"] = record.seconds;
  return false;
}

}  // namespace

void start_folder(ResultsFolder& folder, const Suite& suite, const std::vector<PlannedRun>& plan) {
  std::ostringstream resolved;
  resolved << suite.table << '\n';
  folder.write_resolved_suite(resolved.str());
  folder.write_plan(plan_json(plan));
}

SuiteRunSummary run_suite(const Suite& suite, const std::vector<PlannedRun>& runs, const PluginRegistry& registry,
                          ResultsFolder& folder, EarlierRuns earlier, const SuiteRunOptions& options) {
  SuiteRunSummary summary;
  summary.results_dir = folder.path();
  DatasetCache datasets(registry);
  StopSignals stop(options.resume_command);
  const bool in_process = options.child_command.empty();

  std::size_t to_run = 0;
  for (const auto& run : runs) {
    if (!earlier.recorded(run.id, run.index)) ++to_run;
  }
  summary.already_done = runs.size() - to_run;
  if (summary.already_done > 0)
    spdlog::info("{} of {} runs are already recorded in {}", summary.already_done, runs.size(), folder.path().string());

  const auto suite_start = std::chrono::steady_clock::now();
  double executed_seconds = 0.0;
  std::size_t executed = 0, position = 0;
  for (const auto& run : runs) {
    if (earlier.recorded(run.id, run.index)) continue;
    if (stop.stop_requested()) break;
    ++position;
    const std::size_t finished = summary.records.size();
    spdlog::info(
        "run {}/{} (plan #{}) [{}] {}seed {} {} | {} ok, {} failed, {} crashed | suite ETA {}", position, to_run, run.index,
        run.id, run.variant.empty() ? "" : "variant " + run.variant + " ", run.seed, run.swept.dump(),
        finished - summary.failed - summary.crashed - summary.diverged, summary.failed, summary.crashed,
        executed == 0 ? std::string("?") : eta(executed_seconds, static_cast<double>(executed), static_cast<double>(to_run)));

    const fs::path run_dir = folder.run_dir(run.index, run.id);
    RunRecord record = start_record(suite, run, registry, run_dir);
    const auto start = std::chrono::steady_clock::now();
    bool dataset_unusable = false;
    try {
      const fs::path dir = folder.prepare_run_dir(run.index, run.id, run.config);
      if (!reuse_earlier(run, earlier, record)) {
        dataset_unusable = in_process ? attempt_run(run, registry, datasets, dir, earlier, record)
                                      : attempt_in_child(run, folder.path(), dir, options, stop, record);
        ++executed;
        executed_seconds += seconds_since(start);
      }
    } catch (const std::exception& error) {  // the run folder or the process could not be made
      record.status = RunStatus::failed;
      record.error = error.what();
    }
    // A run a second signal cut short is not recorded: a resume runs it again.
    if (record.status == RunStatus::crashed && stop.stop_requested() && record.crash && record.crash->signal) break;
    if (record.training.trained) ++summary.trainings;
    if (record.status == RunStatus::failed) ++summary.failed;
    if (record.status == RunStatus::crashed) ++summary.crashed;
    if (record.status == RunStatus::diverged) ++summary.diverged;
    folder.append(record);
    earlier.add(record);
    if (record.status != RunStatus::ok) spdlog::error("run {} {}: {}", run.id, to_string(record.status), record.error);
    summary.records.push_back(std::move(record));
    if (dataset_unusable) {
      spdlog::error("stopping the suite: no later run can load this dataset either");
      break;
    }
  }
  summary.not_run = to_run - summary.records.size();
  summary.stopped = stop.stop_requested() && summary.not_run > 0;
  if (summary.stopped)
    fmt::print(stderr, "stopped by a signal; every finished run is recorded. Resume with:\n  {}\n", options.resume_command);
  spdlog::info("{} runs in {}", summary.records.size(), format_duration(seconds_since(suite_start)));
  return summary;
}

SuiteRunSummary run_suite(const Suite& suite, const std::vector<PlannedRun>& runs, const PluginRegistry& registry,
                          const fs::path& results_root) {
  ResultsFolder folder = ResultsFolder::create(results_root, suite.name);
  folder.lock();
  start_folder(folder, suite, runs);
  return run_suite(suite, runs, registry, folder, EarlierRuns{}, SuiteRunOptions{});
}

bool run_in_child(const Suite& suite, const std::vector<PlannedRun>& plan, const PluginRegistry& registry,
                  const fs::path& results_dir, std::size_t index, const std::string& run_id) {
  if (index >= plan.size() || plan[index].id != run_id) {
    throw std::runtime_error(
        fmt::format("run {} of the suite is not run {}: the suite file changed since the suite "
                    "started; resume it to see what changed",
                    index, run_id));
  }
  const PlannedRun& run = plan[index];
  ResultsFolder folder = ResultsFolder::open(results_dir);
  auto records = folder.read_records().records;
  reidentify(records, suite);
  const EarlierRuns earlier(records);
  const fs::path run_dir = folder.run_dir(run.index, run.id);
  RunRecord record = start_record(suite, run, registry, run_dir);
  spdlog::info("run {} (plan #{}) in process {}", run.id, run.index, ::getpid());
  DatasetCache datasets(registry);
  const bool dataset_unusable = attempt_run(run, registry, datasets, results_dir / run_dir, earlier, record);
  write_file_atomically(results_dir / run_dir / kOutcomeFile, json_text(to_json(record), 2) + "\n");
  return dataset_unusable;
}

}  // namespace gcbench
