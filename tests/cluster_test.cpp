// Shards of a plan and the Slurm job array that runs them. gcbench never calls
// sbatch: the script is checked with bash -n and against a checked-in file.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <set>

#include "runner/shards.hpp"
#include "support/fixtures.hpp"
#include "util/shell_quote.hpp"

using gcbench::testing::TempDir;
namespace fs = std::filesystem;

namespace {

using gcbench::testing::exit_code;
using gcbench::testing::quoted;

// gcbench run from the source folder, as a user in a checkout would.
std::string gcbench_in_source(const std::string& arguments) {
  return gcbench::testing::run_command(fmt::format("cd {} && {} {}", quoted(gcbench::testing::source_dir()),
                                                   quoted(gcbench::testing::gcbench_executable()), arguments));
}

gcbench::PlannedRun planned(std::size_t index, const std::string& training_id, std::int64_t epochs) {
  gcbench::PlannedRun run;
  run.index = index;
  run.id = fmt::format("run{}", index);
  run.training_id = training_id;
  run.run_config.training.epochs = epochs;
  return run;
}

}  // namespace

TEST_CASE("Shards cover every run exactly once, keep runs of one training together and share the work evenly", "[shards]") {
  std::vector<gcbench::PlannedRun> runs;
  for (std::size_t i = 0; i < 12; ++i) runs.push_back(planned(i, fmt::format("t{}", i), i < 6 ? 10 : 30));
  runs.push_back(planned(12, "t0", 10));  // measures what run 0 trains
  std::set<std::size_t> seen;
  std::vector<double> work;
  for (std::size_t shard = 1; shard <= 4; ++shard) {
    const auto mine = gcbench::shard_runs(runs, gcbench::Shard{shard, 4});
    CHECK(gcbench::shard_runs(runs, gcbench::Shard{shard, 4}).size() == mine.size());  // deterministic
    double cost = 0;
    std::set<std::size_t> indices;
    for (const auto& run : mine) {
      CHECK(seen.insert(run.index).second);
      indices.insert(run.index);
      cost += gcbench::planned_cost(run);
    }
    CHECK(indices.count(0) == indices.count(12));
    work.push_back(cost);
  }
  CHECK(seen.size() == runs.size());
  CHECK(*std::max_element(work.begin(), work.end()) - *std::min_element(work.begin(), work.end()) <= 30.1);
}

TEST_CASE("A shard is given as I/N and anything else is refused with what to give", "[shards]") {
  CHECK(gcbench::parse_shard("2/8").index == 2);
  CHECK(gcbench::parse_shard("2/8").count == 8);
  for (const char* bad : {"0/3", "4/3", "1-3", "a/b", "", "1/0"}) {
    INFO(bad);
    CHECK_THROWS_WITH(gcbench::parse_shard(bad), Catch::Contains("--shard"));
  }
}

TEST_CASE("Words put into a shell command stay single words that run nothing", "[shards]") {
  CHECK(gcbench::shell_quote("suites/paper/fig4.toml") == "suites/paper/fig4.toml");
  CHECK(gcbench::shell_quote("my suite.toml") == "'my suite.toml'");
  CHECK(gcbench::shell_quote("it's $(rm -rf x)") == "'it'\\''s $(rm -rf x)'");
  CHECK(gcbench::shell_quote("") == "''");
}

TEST_CASE("The Slurm script for the Fig. 4 suite is a 45-task array that bash accepts, as checked in", "[slurm]") {
  TempDir dir("gcbench-slurm");
  const fs::path script = dir / "fig4.sbatch";
  const auto output = gcbench_in_source(fmt::format(
      "emit slurm suites/paper/fig4_cifar_fs_resnet18.toml --shards 45 --partition gpu --gpus-per-task 1 --cpus-per-task 8 "
      "--time 2-00:00:00 --gcbench gcbench --out {}",
      quoted(script)));
  INFO(output);
  REQUIRE(exit_code(output) == 0);
  const auto text = gcbench::testing::read_text(script);
  CHECK_THAT(text, Catch::Contains("#SBATCH --array=1-45") && Catch::Contains("#SBATCH --gpus-per-task=1"));
  CHECK(exit_code(gcbench::testing::run_command("bash -n " + quoted(script))) == 0);
  CHECK(text ==
        gcbench::testing::read_text(gcbench::testing::source_dir() / "tests/data/expected/fig4_cifar_fs_resnet18.sbatch"));

  SECTION("and --dry-run lists each task's runs, every run once") {
    const auto dry = gcbench_in_source("emit slurm suites/paper/fig4_cifar_fs_resnet18.toml --shards 45 --dry-run");
    REQUIRE(exit_code(dry) == 0);
    // 45 runs, 42 networks: three runs repeat an earlier run, so three tasks are left empty.
    CHECK_THAT(dry, Catch::Contains("task 1: 2 runs") && Catch::Contains("task 45: 0 runs"));
    std::size_t listed = 0;
    for (std::size_t at = dry.find('#'); at != std::string::npos; at = dry.find('#', at + 1)) ++listed;
    CHECK(listed == 45);
  }
}

TEST_CASE("User text in the Slurm script reaches gcbench as the same words and runs nothing", "[slurm]") {
  TempDir dir("gcbench-slurm-quoting");
  gcbench::testing::write_text(dir / "odd suite's.toml",
                               "[suite]\nname = \"odd\"\nseeds = [0]\n[dataset]\nplugin = \"fashion_mnist\"\n"
                               "[architecture]\nplugin = \"mlp\"\n");
  const fs::path script = dir / "odd.sbatch";
  const auto output = gcbench::testing::run_command(fmt::format(
      "cd {} && {} emit slurm \"odd suite's.toml\" --set 'suite.description=$(touch pwned); `touch pwned`' --gcbench /bin/echo "
      "--results 'out dir' --out {}",
      quoted(dir.path()), quoted(gcbench::testing::gcbench_executable()), quoted(script)));
  INFO(output);
  REQUIRE(exit_code(output) == 0);
  CHECK(exit_code(gcbench::testing::run_command("bash -n " + quoted(script))) == 0);
  const auto ran =
      gcbench::testing::run_command(fmt::format("cd {} && SLURM_ARRAY_TASK_ID=1 bash {}", quoted(dir.path()), quoted(script)));
  INFO(ran);
  CHECK_THAT(ran, Catch::Contains("run odd suite's.toml --set suite.description=$(touch pwned); `touch pwned` --threads 4 "
                                  "--shard 1/1 --into out dir/shard-1-of-1"));
  CHECK_FALSE(fs::exists(dir / "pwned"));

  SECTION("and a line break, which would end a comment and start a command, is refused") {
    const auto refused = gcbench::testing::run_command(
        fmt::format("cd {} && {} emit slurm \"odd suite's.toml\" --results \"$(printf 'out\\ntouch pwned')\" --out {}",
                    quoted(dir.path()), quoted(gcbench::testing::gcbench_executable()), quoted(dir / "broken.sbatch")));
    CHECK(exit_code(refused) == 1);
    CHECK_THAT(refused, Catch::Contains("--results holds a line break"));
    CHECK_FALSE(fs::exists(dir / "broken.sbatch"));
  }
}
