// gcbench: measure how geometric complexity controls neural collapse and transfer.
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <cstdio>

#include "commands.hpp"
#include "config/config_error.hpp"
#include "runtime/process_tuning.hpp"

namespace {

int run_gcbench(int argc, char** argv) {
  gcbench::tune_allocator();
  // Logs and progress on stderr, results (tables, reports, JSON) on stdout; a
  // run's process passes its stderr to the suite runner, which keeps its tail.
  spdlog::set_default_logger(spdlog::stderr_color_mt("gcbench"));

  CLI::App app{"gcbench: geometric complexity, neural collapse and few-shot transfer benchmarks"};
  app.footer(
      "Exit codes: 0 all is well; 1 a run failed, a suite stopped early, or another error; 2 an invalid suite "
      "or --set; 3 (run) every run finished but some diverged; 130 (run) a signal stopped the suite, finished runs recorded. "
      "check-plugin: 1 a check failed, 2 no such plugin. "
      "compare: 0 no regression, 1 a regression, 2 cannot compare.");
  app.require_subcommand(1);

  gcbench::cli::SuiteArguments suite_arguments;
  const auto add_suite_arguments = [&](CLI::App* command) {
    command->add_option("SUITE", suite_arguments.suite, "suite file (TOML)")->required();
    command->add_option("--set", suite_arguments.overrides, "override a suite key, e.g. --set training.lr=0.1")
        ->type_name("KEY=VALUE");
    command->add_option("--plugin-path", suite_arguments.plugin_folders, "extra plugin folder")->type_name("DIR");
  };

  auto* run = app.add_subcommand("run",
                                 "run every configuration of a suite and record the results, each run in a "
                                 "process of its own");
  add_suite_arguments(run);
  gcbench::cli::RunArguments run_arguments;
  run->add_option("--out", run_arguments.out, "results folder; runs go to OUT/<suite>/<timestamp>/")->capture_default_str();
  run->add_option("--threads", run_arguments.threads, "LibTorch threads (default: the suite's runtime.threads, 0 = all cores)")
      ->check(CLI::PositiveNumber);
  run->add_option("--resume", run_arguments.resume,
                  "continue a results folder (or 'latest': OUT/<suite>'s latest): finished runs are kept, failed, "
                  "crashed and cut-short ones run again")
      ->type_name("DIR|latest");
  run->add_option("--into", run_arguments.into,
                  "run into exactly this folder, continuing it when it holds the suite "
                  "(for Slurm tasks that may be requeued)")
      ->type_name("DIR");
  run->add_option("--shard", run_arguments.shard,
                  "run only shard I of N of the plan (deterministic, balanced by planned "
                  "work; merge the shards' folders with `gcbench merge`)")
      ->type_name("I/N");
  run->add_flag("--in-process", run_arguments.in_process,
                "run every run inside this process (for a debugger); a crash then ends the suite");
  run->add_flag("--dry-run", run_arguments.dry_run, "list the runs this would run (of the shard) and run none");

  auto* run_one = app.add_subcommand("run-one", "(used by run) one planned run of a suite into its results folder");
  run_one->group("");  // internal: not in --help
  gcbench::cli::RunOneArguments run_one_arguments;
  add_suite_arguments(run_one);
  run_one->add_option("--results", run_one_arguments.results, "the suite's results folder")->required();
  run_one->add_option("--index", run_one_arguments.index, "the run's place in the plan")->required();
  run_one->add_option("--run-id", run_one_arguments.run_id, "the run's id, to check the plan is the same")->required();

  auto* merge =
      app.add_subcommand("merge", "join results folders of one suite's plan (its shards) into one for report and compare");
  std::vector<std::string> merge_inputs;
  std::string merge_out;
  merge->add_option("DIR", merge_inputs, "results folders (e.g. results/<suite>/slurm/shard-*)")->required();
  merge->add_option("--out", merge_out, "the merged folder (new or empty)")->required();

  auto* emit = app.add_subcommand("emit", "write a job script that runs a suite on a cluster scheduler");
  emit->require_subcommand(1);
  auto* emit_slurm =
      emit->add_subcommand("slurm", "an sbatch job array: one task per shard, each resumable; gcbench never calls sbatch");
  add_suite_arguments(emit_slurm);
  gcbench::cli::EmitSlurmArguments slurm_arguments;
  emit_slurm
      ->add_option("--shards", slurm_arguments.shards,
                   "array tasks (default: one per network to train, runs sharing one stay together)")
      ->check(CLI::PositiveNumber);
  emit_slurm->add_option("--partition", slurm_arguments.partition, "Slurm partition (default: the cluster's)");
  emit_slurm
      ->add_option("--gpus-per-task", slurm_arguments.gpus_per_task, "GPUs per task; with any, runs use runtime.device=cuda")
      ->check(CLI::NonNegativeNumber);
  emit_slurm->add_option("--cpus-per-task", slurm_arguments.cpus_per_task, "CPU cores per task (and LibTorch threads)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  emit_slurm->add_option("--time", slurm_arguments.time, "time limit per task")->capture_default_str();
  emit_slurm->add_option("--results", slurm_arguments.results, "folder of the shard folders (default: results/<suite>/slurm)");
  emit_slurm->add_option("--out", slurm_arguments.out, "write the script here (default: standard output)")->type_name("FILE");
  emit_slurm->add_option("--gcbench", slurm_arguments.gcbench, "the gcbench the tasks run (default: this one's path)");
  emit_slurm->add_flag("--dry-run", slurm_arguments.dry_run, "print each task's runs instead of the script");

  auto* validate = app.add_subcommand("validate", "check a suite and every plugin it names, without running it");
  add_suite_arguments(validate);

  auto* plan = app.add_subcommand("plan", "list every run a suite expands to, with its id and resolved config");
  add_suite_arguments(plan);
  bool as_json = false;
  plan->add_flag("--json", as_json, "print every run's full config as JSON");

  auto* report = app.add_subcommand("report", "write report.md and a self-contained report.html with plots");
  std::vector<std::string> report_results;
  std::string report_out;
  bool report_claims = false;
  report
      ->add_option("RESULTS_DIR", report_results,
                   "a suite's results folder (results/<suite>/<timestamp>), or results/<suite> for its latest; "
                   "with --claims, one per study")
      ->required();
  report->add_flag("--claims", report_claims,
                   "one table of the paper's claims across the studies given (claims.md, claims.html)");
  report->add_option("--out", report_out,
                     "where to write the report (default: RESULTS_DIR; with --claims: the folder above the first)");

  auto* plugins = app.add_subcommand("plugins", "list the plugins gcbench finds");
  std::vector<std::string> plugin_folders;
  plugins->add_flag("--json", as_json, "print JSON");
  plugins->add_option("--plugin-path", plugin_folders, "extra plugin folder")->type_name("DIR");

  auto* keys = app.add_subcommand("keys", "list every suite key with its type, default and range");

  auto* data = app.add_subcommand("data", "check or prepare a dataset's files");
  data->require_subcommand(1);
  gcbench::cli::DataArguments data_arguments;
  std::vector<CLI::App*> data_actions;
  for (const auto& [action, help] :
       {std::pair<std::string, std::string>{"verify", "check files, sizes, class counts and splits; print the data digest"},
        {"prepare",
         "build the data folder from data you have (--from), decode it once into the cache later runs reuse, then verify"},
        {"fetch", "download the dataset's public archives, check their published checksums, unpack them, then verify"}}) {
    auto* command = data->add_subcommand(action, help);
    command->add_option("NAME", data_arguments.name, "dataset plugin name")->required();
    command->add_option("ROOT", data_arguments.root, "data folder (default: $GCBENCH_DATA/NAME, else the plugin's own)");
    command->add_option("--set", data_arguments.overrides, "a plugin option, e.g. --set holdout_per_class=50")
        ->type_name("OPTION=VALUE");
    command->add_option("--plugin-path", plugin_folders, "extra plugin folder")->type_name("DIR");
    data_actions.push_back(command);
    if (action == "fetch") {
      command->add_option("--url", data_arguments.url,
                          "fetch the archive from here instead: a mirror, or file:///path for a local copy");
      command->add_option("--mirror", data_arguments.mirror, "a folder URL holding every archive under its own name");
      command->add_option("--sha256", data_arguments.sha256, "the archive's SHA-256, instead of the published checksum")
          ->type_name("HEX");
      command->add_flag("--keep-archive", data_arguments.keep_archives,
                        "keep the downloaded archives in ROOT/.gcbench-downloads");
      command->add_flag("--force", data_arguments.force, "fetch even when ROOT already holds data that verifies");
    }
    if (action == "prepare") {
      command
          ->add_option("--from,--from-imagenet", data_arguments.from,
                       "the data to build ROOT from, e.g. for mini_imagenet ImageNet's training folder (nXXXXXXXX/ class "
                       "folders) or its tar")
          ->type_name("DIR");
    }
  }

  auto* check_plugin = app.add_subcommand("check-plugin", "run the conformance checks on a plugin (exit 0: all pass)");
  gcbench::cli::CheckPluginArguments check_arguments;
  check_plugin->add_option("NAME", check_arguments.name, "plugin name")->required();
  check_plugin->add_option("--kind", check_arguments.kind, "architecture, dataset or gc_estimator, if the name is ambiguous")
      ->check(CLI::IsMember({"architecture", "dataset", "gc_estimator"}));
  check_plugin->add_option("--set", check_arguments.overrides, "a plugin option, e.g. --set probes=16")
      ->type_name("OPTION=VALUE");
  check_plugin->add_option("--root", check_arguments.root, "datasets: the data folder");
  check_plugin->add_option("--plugin-path", check_arguments.plugin_folders, "extra plugin folder")->type_name("DIR");

  auto* bench = app.add_subcommand("bench",
                                   "benchmark every plugin's training step, GC estimate and data loading, "
                                   "NC and few-shot (Google Benchmark)");
  gcbench::cli::BenchArguments bench_arguments;
  bench->add_option(
      "--filter", bench_arguments.filter,
      "only cases whose name, or name as printed (\"gc/exact/conv4/real_time\"), matches this regex ('-regex': all but "
      "those)");
  bench->add_option("--repetitions", bench_arguments.repetitions, "repetitions of each case (compare needs 5 or more)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  bench
      ->add_option("--min-time", bench_arguments.min_time,
                   "seconds each repetition runs for, at least one iteration (train_step/conv4 and gc/hutchinson/conv4, the "
                   "nightly's speed targets: at least 1 s)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  bench
      ->add_option("--warmup", bench_arguments.warmup,
                   "seconds each case runs unmeasured before its first repetition, calling it again, set-up and all "
                   "(the training steps and GC estimates run one unmeasured iteration a call anyway; the nightly's "
                   "speed targets: at least 0.2 s)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  bench->add_option("--json", bench_arguments.json, "write Google Benchmark's JSON here (for compare and history)")
      ->type_name("FILE");
  bench->add_option("--threads", bench_arguments.threads, "LibTorch threads (0: all cores)")->check(CLI::NonNegativeNumber);
  bench->add_option("--device", bench_arguments.device, "where the cases run: cpu, cuda or cuda:N")->capture_default_str();
  bench->add_flag("--list", bench_arguments.list, "list the cases and run none");
  bench->add_flag("--nightly", bench_arguments.nightly,
                  "only the cases the nightly runs: all but slow ones whose code a kept case runs too (with --against, "
                  "this gcbench names them to both sides)");
  bench->add_option("--plugin-path", bench_arguments.plugin_folders, "extra plugin folder")->type_name("DIR");
  bench
      ->add_option("--against", bench_arguments.against,
                   "A/B: bench this gcbench against that one (the baseline) in alternating rounds, each side in its own "
                   "process; --json gets one paired file, which `gcbench compare FILE` judges")
      ->type_name("GCBENCH");
  bench->add_option("--against-plugin-path", bench_arguments.against_plugin_folders, "the baseline's extra plugin folder")
      ->type_name("DIR");
  bench->add_flag("--instructions", bench_arguments.instructions,
                  "count each case's instructions under valgrind's callgrind (one iteration, 1 thread): a count that "
                  "repeats however busy the machine is, for compare to judge tightly");
  bench->add_option("--rounds", bench_arguments.rounds, "with --against: rounds, one run of each side each (6 or more)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();

  auto* compare =
      app.add_subcommand("compare",
                         "compare a contender with a baseline: two results folders of one suite, "
                         "two benchmark JSON files, or one paired file; exit 0 no regression, 1 a regression, 2 cannot compare");
  gcbench::cli::CompareArguments compare_arguments;
  compare
      ->add_option("BASELINE", compare_arguments.baseline,
                   "results folder or benchmark JSON; alone, a paired file of `gcbench bench --against`")
      ->required();
  compare->add_option("CONTENDER", compare_arguments.contender, "results folder or benchmark JSON");
  compare->add_option("--thresholds", compare_arguments.thresholds, "TOML file of thresholds (default: see README)")
      ->type_name("FILE");
  compare->add_flag("--json", compare_arguments.as_json, "print the findings as JSON");
  compare->add_flag("--across-machines", compare_arguments.across_machines,
                    "results of two machine identities (`gcbench machine`): judge each metric over its "
                    "seeds (Welch's t-test of the contender's seeds against the baseline's), not thresholds, and no times");

  auto* version = app.add_subcommand("version", "what this gcbench is: version, revision, record schema, plugin ABI, LibTorch");
  version->add_flag("--json", as_json, "print JSON (what `bench --against` asks the other gcbench)");

  gcbench::cli::MachineArguments machine_arguments;
  auto* machine = app.add_subcommand(
      "machine",
      "this machine's identity, as records carry it and compare and ci/nightly.sh tell machines apart by: CPU, "
      "instruction sets, math libraries, threads, LibTorch, BLAS, device");
  machine->add_option("--threads", machine_arguments.threads, "LibTorch threads, as a run would set them (0: all cores)")
      ->check(CLI::NonNegativeNumber);
  machine->add_option("--device", machine_arguments.device, "runtime.device, as a suite would give it")->capture_default_str();
  machine->add_flag("--json", machine_arguments.as_json, "print JSON");

  auto* history = app.add_subcommand("history", "the results history (SQLite): add results, show series with their steps");
  history->require_subcommand(1);
  gcbench::cli::HistoryArguments history_arguments;
  auto* history_add = history->add_subcommand("add", "add results folders and benchmark JSON files (adding twice adds nothing)");
  history_add->add_option("INPUT", history_arguments.inputs, "results folder or benchmark JSON file")->required();
  auto* history_show =
      history->add_subcommand("show", "list the series, or each series containing PATTERN with its points and steps");
  history_show->add_option("PATTERN", history_arguments.inputs, "part of a series name");
  for (auto* command : {history_add, history_show}) {
    command->add_option("--db", history_arguments.db, "history file")->capture_default_str();
    command->add_option(
        "--machine", history_arguments.machine,
        command == history_add ? "the machine's name in the history (default: its host name)" : "only this machine's points");
  }

  auto* dashboard = app.add_subcommand("dashboard", "write a self-contained HTML dashboard of the history");
  gcbench::cli::DashboardArguments dashboard_arguments;
  dashboard->add_option("--db", dashboard_arguments.db, "history file")->capture_default_str();
  dashboard->add_option("--out", dashboard_arguments.out, "folder for index.html")->required();
  dashboard->add_option("--baseline", dashboard_arguments.baseline, "the baseline revision (default: each series' first point)");

  CLI11_PARSE(app, argc, argv);
  try {
    if (run->parsed()) {
      run_arguments.suite = suite_arguments;
      return gcbench::cli::run_command(run_arguments);
    }
    if (run_one->parsed()) {
      run_one_arguments.suite = suite_arguments;
      return gcbench::cli::run_one_command(run_one_arguments);
    }
    if (merge->parsed()) return gcbench::cli::merge_command(merge_inputs, merge_out);
    if (emit_slurm->parsed()) {
      slurm_arguments.suite = suite_arguments;
      return gcbench::cli::emit_slurm_command(slurm_arguments);
    }
    if (validate->parsed()) return gcbench::cli::validate_command(suite_arguments);
    if (plan->parsed()) return gcbench::cli::plan_command(suite_arguments, as_json);
    if (report->parsed()) {
      if (report_claims) return gcbench::cli::claims_command(report_results, report_out);
      if (report_results.size() != 1) {
        fmt::print(stderr, "report: give one RESULTS_DIR, or --claims to read several studies into one claims table\n");
        return 2;
      }
      return gcbench::cli::report_command(report_results.front(), report_out);
    }
    if (keys->parsed()) return gcbench::cli::keys_command();
    for (auto* action : data_actions) {
      if (action->parsed()) {
        data_arguments.action = action->get_name();
        data_arguments.plugin_folders = plugin_folders;
        return gcbench::cli::data_command(data_arguments);
      }
    }
    if (plugins->parsed()) return gcbench::cli::plugins_command(plugin_folders, as_json);
    if (check_plugin->parsed()) return gcbench::cli::check_plugin_command(check_arguments);
    if (bench->parsed()) return gcbench::cli::bench_command(bench_arguments);
    if (compare->parsed()) return gcbench::cli::compare_command(compare_arguments);
    if (version->parsed()) return gcbench::cli::version_command(as_json);
    if (machine->parsed()) return gcbench::cli::machine_command(machine_arguments);
    if (history_add->parsed()) return gcbench::cli::history_add_command(history_arguments);
    if (history_show->parsed()) return gcbench::cli::history_show_command(history_arguments);
    if (dashboard->parsed()) return gcbench::cli::dashboard_command(dashboard_arguments);
  } catch (const gcbench::ConfigError& error) {
    fmt::print(stderr, "invalid suite:\n{}\n", error.what());
    return gcbench::cli::kExitInvalidSuite;
  } catch (const std::exception& error) {
    fmt::print(stderr, "error: {}\n", error.what());
    return 1;
  }
  return 0;
}

}  // namespace

// Whatever escapes (the logger or the parser failing as they are set up) ends
// the process with a message and exit code 1, never std::terminate.
int main(int argc, char** argv) {
  try {
    return run_gcbench(argc, argv);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "error: %s\n", error.what());
  } catch (...) {
    std::fputs("error: an unknown exception\n", stderr);
  }
  return 1;
}
