// A suite as a Slurm job array: one array task per shard, each running
// `gcbench run SUITE --shard I/N --into RESULTS/shard-I-of-N`. Slurm schedules,
// requeues and keeps the logs; gcbench only writes the script (it never calls
// sbatch). A task that is requeued, preempted or resubmitted continues its
// shard's folder where it stopped; `gcbench merge` then joins the shards.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace gcbench {

struct SlurmJob {
  std::string suite_name;
  std::string suite_path;                // as the submitting user names it
  std::vector<std::string> run_options;  // passed to `gcbench run` as they are (--set ..., --plugin-path ...)
  std::size_t runs = 0;                  // planned
  std::size_t shards = 1;
  std::string results;              // the folder the shard folders go in
  std::string gcbench = "gcbench";  // the executable the tasks run
  std::string partition;            // empty: the cluster's default
  std::string time = "24:00:00";    // per task
  int gpus_per_task = 0;
  int cpus_per_task = 4;
};

// Throws std::invalid_argument naming the setting when a value would not stay
// one #SBATCH value (the partition and time are checked; paths are quoted).
std::string slurm_array_script(const SlurmJob& job);

// The folder shard `index` (from 1) of `count` runs into.
std::string shard_folder(const std::string& results, std::size_t index, std::size_t count);

}  // namespace gcbench
