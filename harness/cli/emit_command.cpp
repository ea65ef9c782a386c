#include <fmt/format.h>

#include <fstream>
#include <iostream>

#include "cluster/slurm_script.hpp"
#include "commands.hpp"
#include "plan/plan.hpp"
#include "runner/shards.hpp"
#include "util/atomic_file.hpp"
#include "util/child_process.hpp"

namespace gcbench::cli {
namespace fs = std::filesystem;

int emit_slurm_command(const EmitSlurmArguments& arguments) {
  LoadedSuite loaded = load_suite(arguments.suite);
  const auto plan = plan_runs(loaded.suite);
  SlurmJob job;
  job.suite_name = loaded.suite.name;
  job.suite_path = arguments.suite.suite.string();
  for (const auto& set : arguments.suite.overrides) job.run_options.insert(job.run_options.end(), {"--set", set});
  for (const auto& folder : arguments.suite.plugin_folders)
    job.run_options.insert(job.run_options.end(), {"--plugin-path", folder});
  job.runs = plan.size();
  job.shards = arguments.shards > 0 ? arguments.shards : independent_groups(plan);
  job.results = arguments.results.empty() ? (fs::path("results") / loaded.suite.name / "slurm").string() : arguments.results;
  job.gcbench = arguments.gcbench.empty() ? this_executable().string() : arguments.gcbench;
  job.partition = arguments.partition;
  job.time = arguments.time;
  job.gpus_per_task = arguments.gpus_per_task;
  job.cpus_per_task = arguments.cpus_per_task;
  const std::string script = slurm_array_script(job);

  if (arguments.dry_run) {
    for (std::size_t task = 1; task <= job.shards; ++task) {
      const auto runs = shard_runs(plan, Shard{task, job.shards});
      double cost = 0;
      std::string list;
      for (const auto& run : runs) {
        cost += planned_cost(run);
        list += fmt::format(" #{}", run.index);
      }
      fmt::print("task {}: {} runs (cost {:.2f}) into {}:{}\n", task, runs.size(), cost,
                 shard_folder(job.results, task, job.shards), list.empty() ? " none" : list);
    }
    return 0;
  }
  if (arguments.out.empty()) {
    std::cout << script;
  } else {
    write_file_atomically(arguments.out, script);
    fs::permissions(arguments.out, fs::perms::owner_exec | fs::perms::group_exec, fs::perm_options::add);
    fmt::print("wrote {}: {} array tasks over {} runs; submit it with: sbatch {}\n", arguments.out, job.shards, job.runs,
               arguments.out);
  }
  return 0;
}

}  // namespace gcbench::cli
