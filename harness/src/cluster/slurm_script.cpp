#include "cluster/slurm_script.hpp"

#include <fmt/format.h>

#include <regex>
#include <stdexcept>
#include <utility>
#include <vector>

#include "util/shell_quote.hpp"

namespace gcbench {

namespace {

void check(const std::string& value, const char* pattern, const char* option, const char* example) {
  if (!std::regex_match(value, std::regex(pattern))) {
    throw std::invalid_argument(fmt::format("{} is \"{}\"; give a Slurm value such as {}", option, value, example));
  }
}

}  // namespace

std::string shard_folder(const std::string& results, std::size_t index, std::size_t count) {
  return fmt::format("{}/shard-{}-of-{}", results, index, count);
}

std::string slurm_array_script(const SlurmJob& job) {
  if (job.shards < 1) throw std::invalid_argument("--shards must be at least 1");
  check(job.time, "[0-9]{1,5}(-[0-9]{1,2})?(:[0-9]{1,2}){0,2}", "--time", "24:00:00 or 2-00:00:00");
  if (!job.partition.empty()) check(job.partition, "[A-Za-z0-9_.,-]{1,100}", "--partition", "gpu");
  if (job.gpus_per_task < 0) throw std::invalid_argument("--gpus-per-task cannot be negative");
  if (job.cpus_per_task < 1) throw std::invalid_argument("--cpus-per-task must be at least 1");
  // The suite and results paths also stand in the script's comments, where a
  // line break would end the comment and start a command.
  std::vector<std::pair<std::string, std::string>> user_words = {
      {"the suite path", job.suite_path}, {"--results", job.results}, {"--gcbench", job.gcbench}};
  for (const auto& option : job.run_options) user_words.emplace_back("an option", option);
  for (const auto& [what, word] : user_words) {
    if (word.find_first_of("\n\r") != std::string::npos) {
      throw std::invalid_argument(fmt::format("{} holds a line break, which a job script cannot carry; rename it", what));
    }
  }

  std::string script = "#!/bin/bash\n";
  script += fmt::format("# gcbench suite '{}' ({}): {} runs in {} shards, one Slurm array task each.\n", job.suite_name,
                        job.suite_path, job.runs, job.shards);
  script += "# Written by `gcbench emit slurm`; submit it from the folder it names paths from:\n";
  script += "#   sbatch THIS_FILE\n";
  script += "# A requeued, preempted or resubmitted task continues its shard's folder where it\n";
  script += "# stopped (finished runs are kept). When every task is done, join the shards:\n";
  script += fmt::format("#   {} merge {}/shard-*-of-{} --out {}\n", shell_quote(job.gcbench), shell_quote(job.results),
                        job.shards, shell_quote(job.results + "/merged"));
  script += fmt::format("#SBATCH --job-name=gcbench-{}\n", job.suite_name);
  script += fmt::format("#SBATCH --array=1-{}\n", job.shards);
  script += "#SBATCH --ntasks=1\n";
  script += fmt::format("#SBATCH --cpus-per-task={}\n", job.cpus_per_task);
  if (job.gpus_per_task > 0) script += fmt::format("#SBATCH --gpus-per-task={}\n", job.gpus_per_task);
  script += fmt::format("#SBATCH --time={}\n", job.time);
  if (!job.partition.empty()) script += fmt::format("#SBATCH --partition={}\n", job.partition);
  script += fmt::format("#SBATCH --output=gcbench-{}-%A_%a.out\n", job.suite_name);
  script += "#SBATCH --requeue\n";
  script += "# SIGTERM five minutes before the time limit: gcbench records the run in\n";
  script += "# progress if it can and stops; a resubmitted task continues from there.\n";
  script += "#SBATCH --signal=B:TERM@300\n";
  script += "set -euo pipefail\n";
  script += ": \"${SLURM_ARRAY_TASK_ID:?submit this script with sbatch}\"\n";
  std::vector<std::string> words = {job.gcbench, "run", job.suite_path};
  words.insert(words.end(), job.run_options.begin(), job.run_options.end());
  words.push_back("--threads");
  words.push_back(std::to_string(job.cpus_per_task));
  if (job.gpus_per_task > 0) {
    words.push_back("--set");
    words.push_back("runtime.device=cuda");
  }
  script += fmt::format("exec {} --shard \"${{SLURM_ARRAY_TASK_ID}}/{}\" --into {}\n", shell_command(words), job.shards,
                        shell_quote(job.results) + fmt::format("/shard-\"${{SLURM_ARRAY_TASK_ID}}\"-of-{}", job.shards));
  return script;
}

}  // namespace gcbench
