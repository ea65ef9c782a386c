#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <fstream>
#include <set>

#include "commands.hpp"
#include "plan/plan.hpp"
#include "plan/plan_diff.hpp"
#include "report/summary_table.hpp"
#include "runner/data_check.hpp"
#include "runner/dataset_cache.hpp"
#include "runner/reidentify.hpp"
#include "runner/shards.hpp"
#include "runner/suite_runner.hpp"
#include "runtime/blas_kernels.hpp"
#include "runtime/device.hpp"
#include "runtime/process_tuning.hpp"
#include "util/atomic_file.hpp"
#include "util/child_process.hpp"
#include "util/progress.hpp"
#include "util/shell_quote.hpp"

namespace gcbench::cli {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The suite's words on a gcbench command line: the file, then --set and --plugin-path as given.
std::vector<std::string> suite_words(const SuiteArguments& arguments) {
  std::vector<std::string> words = {arguments.suite.string()};
  for (const auto& set : arguments.overrides) words.insert(words.end(), {"--set", set});
  for (const auto& folder : arguments.plugin_folders) words.insert(words.end(), {"--plugin-path", folder});
  return words;
}

ResultsFolder results_folder(const RunArguments& arguments, const Suite& suite) {
  if (!arguments.into.empty()) return ResultsFolder::create_or_continue(arguments.into);
  if (arguments.resume.empty()) return ResultsFolder::create(arguments.out, suite.name);
  const fs::path path = arguments.resume == "latest" ? arguments.out / suite.name : fs::path(arguments.resume);
  ResultsFolder folder = ResultsFolder::open(path);
  if (!ResultsFolder::holds_plan(folder.path())) {
    throw std::runtime_error(
        fmt::format("{} holds no plan.json, so it cannot be resumed: it is not a folder `gcbench run` "
                    "made; run the suite into a new folder instead",
                    folder.path().string()));
  }
  return folder;
}

// A folder made for one shard continues as that shard only.
void check_shard(const fs::path& folder, const Shard& shard, bool fresh) {
  const fs::path file = folder / "shard.json";
  if (fresh) {
    if (!shard.whole()) write_file_atomically(file, json{{"index", shard.index}, {"count", shard.count}}.dump() + "\n");
    return;
  }
  Shard recorded;
  if (fs::exists(file)) {
    try {
      std::ifstream in(file);
      const json given = json::parse(in);
      recorded = Shard{given.at("index").get<std::size_t>(), given.at("count").get<std::size_t>()};
    } catch (const json::exception& error) {
      throw std::runtime_error(
          fmt::format("{} is damaged ({}); it should read {{\"index\": I, \"count\": N}}, the --shard "
                      "this folder was started with",
                      file.string(), error.what()));
    }
  }
  if (recorded.index != shard.index || recorded.count != shard.count) {
    throw std::runtime_error(fmt::format("{} holds shard {}/{} of the suite, not {}/{}; give the same --shard to resume it",
                                         folder.string(), recorded.index, recorded.count, shard.index, shard.count));
  }
}

}  // namespace

int run_command(const RunArguments& arguments) {
  if (!arguments.resume.empty() && !arguments.into.empty()) {
    fmt::print(stderr, "give --resume or --into, not both\n");
    return kExitInvalidSuite;
  }
  SuiteArguments suite_arguments = arguments.suite;
  if (arguments.threads) suite_arguments.overrides.push_back(fmt::format("runtime.threads={}", *arguments.threads));
  LoadedSuite loaded = load_suite(suite_arguments);
  const auto plan = plan_runs(loaded.suite);
  Shard shard;
  try {
    if (!arguments.shard.empty()) shard = parse_shard(arguments.shard);
  } catch (const std::invalid_argument& error) {
    fmt::print(stderr, "{}\n", error.what());
    return kExitInvalidSuite;
  }
  const auto runs = shard_runs(plan, shard);
  spdlog::info("suite '{}': {} runs{}, {} to train", loaded.suite.name, runs.size(),
               shard.whole() ? "" : fmt::format(" in shard {}/{} of {}", shard.index, shard.count, plan.size()),
               planned_trainings(runs));
  if (arguments.dry_run) {
    for (const auto& run : runs) {
      fmt::print("#{} {} {}seed {} {} (cost {:.2f})\n", run.index, run.id,
                 run.variant.empty() ? "" : "variant " + run.variant + " ", run.seed, run.swept.dump(), planned_cost(run));
    }
    return 0;
  }

  if (const auto advice = blas_kernel_advice(); !advice.empty()) spdlog::warn("{}", advice);
  // The device and the cores are the machine's to check, not the suite's: here, before any folder is made.
  std::set<std::string> devices;
  std::set<std::int64_t> threads;
  for (const auto& run : runs) {
    devices.insert(run.run_config.device);
    threads.insert(run.run_config.threads);
  }
  std::vector<std::string> problems;
  for (const auto& device : devices) problems.push_back(device_problem(device));
  for (const auto count : threads) problems.push_back(threads_problem(count));
  for (const auto& problem : problems) {
    if (problem.empty()) continue;
    fmt::print(stderr, "{}: cannot run here: {}\nNo run was started and no results folder made.\n",
               arguments.suite.suite.string(), problem);
    return kExitRunFailed;
  }

  try {
    check_planned_data(runs, loaded.registry);
  } catch (const DatasetUnavailable& error) {
    fmt::print(stderr,
               "{}: cannot run: {}\nNo run was started and no results folder made (stopping the suite before its "
               "first run).\n",
               arguments.suite.suite.string(), error.what());
    return kExitRunFailed;
  }

  ResultsFolder folder = results_folder(arguments, loaded.suite);
  folder.lock();
  const bool fresh = !ResultsFolder::holds_plan(folder.path());
  if (fresh) {
    start_folder(folder, loaded.suite, plan);
  } else {
    // Ids as this gcbench takes them: an older release, or a key added since at its default, hashed them otherwise.
    const auto recorded = *folder.read_plan();
    const auto stored = reidentified_plan(recorded, loaded.suite);
    const auto differences = plan_differences(stored, plan_json(plan));
    if (!differences.empty()) {
      fmt::print(stderr,
                 "cannot continue {}: the suite no longer plans the runs it holds:\n  {}\nRun the suite into a new "
                 "folder, or restore the suite as it was\n",
                 folder.path().string(), fmt::join(differences, "\n  "));
      return kExitInvalidSuite;
    }
    if (stored != recorded) folder.write_plan(stored);
  }
  check_shard(folder.path(), shard, fresh);
  auto finished = folder.keep_finished_records();
  reidentify(finished, loaded.suite);
  const EarlierRuns earlier(finished);

  SuiteRunOptions options;
  std::vector<std::string> resume = {"gcbench", "run"};
  for (const auto& word : suite_words(suite_arguments)) resume.push_back(word);
  if (!shard.whole()) resume.insert(resume.end(), {"--shard", arguments.shard});
  if (arguments.in_process) resume.push_back("--in-process");
  resume.insert(resume.end(), {"--resume", folder.path().string()});
  options.resume_command = shell_command(resume);
  if (!arguments.in_process) {
    options.child_command = {this_executable().string(), "run-one"};
    for (const auto& word : suite_words(suite_arguments)) options.child_command.push_back(word);
    // The runs' processes write to a pipe we pass on: they show progress as we would.
    ::setenv("GCBENCH_PROGRESS", progress_on_terminal() ? "terminal" : "log", 1);
  }

  const auto summary = run_suite(loaded.suite, runs, loaded.registry, folder, earlier, options);
  const auto all = folder.read_records().records;
  fmt::print("\n{}\n", summary_table(all));
  fmt::print("records: {} ({} this time, {} already there)\n", folder.records_file().string(), summary.records.size(),
             summary.already_done);
  fmt::print("networks trained: {}\n", summary.trainings);
  if (summary.stopped) return kExitStopped;
  if (summary.failed > 0 || summary.crashed > 0 || summary.not_run > 0) {
    std::vector<std::string> parts;
    if (summary.failed > 0) parts.push_back(fmt::format("{} failed", summary.failed));
    if (summary.crashed > 0) parts.push_back(fmt::format("{} crashed", summary.crashed));
    if (summary.not_run > 0) parts.push_back(fmt::format("{} did not run (the suite stopped)", summary.not_run));
    fmt::print(stderr, "of {} runs, {}; the records say why. Run them again with:\n  {}\n", runs.size(), fmt::join(parts, ", "),
               options.resume_command);
    return kExitRunFailed;
  }
  if (summary.diverged > 0) {
    fmt::print(stderr, "{} of {} runs diverged (loss NaN or infinite); lower training.lr\n", summary.diverged, runs.size());
    return kExitRunDiverged;
  }
  return 0;
}

int run_one_command(const RunOneArguments& arguments) {
  LoadedSuite loaded = load_suite(arguments.suite);
  const auto plan = plan_runs(loaded.suite);
  return run_in_child(loaded.suite, plan, loaded.registry, arguments.results, arguments.index, arguments.run_id)
             ? kRunOneDatasetUnusable
             : 0;
}

}  // namespace gcbench::cli
