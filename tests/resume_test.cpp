// One process per run, resume, shards and merge, end to end through the real
// CLI on IDX fixtures: a crashing plugin, kill -9, SIGINT, a second writer; the
// device a suite asks for, checked where the runs run.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <set>
#include <thread>

#include "record/results_folder.hpp"
#include "runtime/cuda_build.hpp"
#include "support/fixtures.hpp"

using gcbench::testing::TempDir;
namespace fs = std::filesystem;

namespace {

using gcbench::testing::exit_code;
using gcbench::testing::gcbench_cli;
using gcbench::testing::quoted;

// A suite of `seeds` tiny runs on a Fashion-MNIST fixture, each `epochs` long.
fs::path write_suite(const TempDir& dir, int seeds, int epochs, const std::string& extra = "") {
  gcbench::testing::write_fashion_mnist_fixture(dir / "data", 40, 30);
  std::string seed_list;
  for (int s = 0; s < seeds; ++s) seed_list += fmt::format("{}{}", s == 0 ? "" : ", ", s);
  const fs::path suite = dir / "suite.toml";
  gcbench::testing::write_text(suite, fmt::format(R"(
[suite]
name = "resumable"
seeds = [{}]
[dataset]
plugin = "fashion_mnist"
root = "{}"
[architecture]
plugin = "crashing_net"
[training]
epochs = {}
batch_size = 16
lr = 0.05
[measure]
gc_estimators = ["exact"]
gc_samples = 8
[measure.fewshot]
ways = 5
shots = [5]
queries = 10
episodes = 50
classifiers = ["ncm"]
[runtime]
threads = 1
{})",
                                                  seed_list, (dir / "data").string(), epochs, extra));
  return suite;
}

std::string plugin_path() { return "--plugin-path " + quoted(gcbench::testing::test_plugin_dir("crashing_net")); }

std::vector<std::string> lines_of(const fs::path& file) {
  std::vector<std::string> lines;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// gcbench with `arguments` in the background, its output into `log`.
pid_t start_gcbench(const std::vector<std::string>& arguments, const fs::path& log) {
  std::vector<std::string> argv = {gcbench::testing::gcbench_executable().string()};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, STDOUT_FILENO);
    ::dup2(fd, STDERR_FILENO);
    std::vector<char*> args;
    for (auto& arg : argv) args.push_back(arg.data());
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Waits (up to two minutes) until `file` has at least `count` lines.
void wait_for_lines(const fs::path& file, std::size_t count) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  while (lines_of(file).size() < count) {
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

// A record's metrics without the seconds each measurement took.
nlohmann::json measured_values(const gcbench::RunRecord& record) {
  nlohmann::json flat = gcbench::to_json(record)["metrics"].flatten();
  for (auto it = flat.begin(); it != flat.end();) {
    it = it.key().size() >= 8 && it.key().substr(it.key().size() - 8) == "/seconds" ? flat.erase(it) : std::next(it);
  }
  return flat;
}

std::vector<gcbench::RunRecord> records_in(const fs::path& folder) {
  return gcbench::ResultsFolder::open(folder).read_records().records;
}

}  // namespace

TEST_CASE("A plugin that segfaults or aborts mid-training crashes only its own run, and the suite goes on", "[resume][crash]") {
  TempDir dir("gcbench-crash");
  const auto suite = write_suite(dir, 1, 1, R"(
[variants.before]
[variants.segfault]
architecture.options = { crash = "segfault", after_forwards = 3 }
[variants.aborts]
architecture.options = { crash = "abort", after_forwards = 3 }
[variants.after]
training = { lr = 0.04 }
)");
  const auto output = gcbench_cli(fmt::format("run {} {} --into {}", quoted(suite), plugin_path(), quoted(dir / "out")));
  INFO(output);
  CHECK(exit_code(output) == 1);
  const auto records = records_in(dir / "out");
  REQUIRE(records.size() == 4);
  CHECK(records[0].status == gcbench::RunStatus::ok);
  CHECK(records[3].status == gcbench::RunStatus::ok);
  for (const auto& [index, signal] : {std::pair{1, SIGSEGV}, std::pair{2, SIGABRT}}) {
    const auto& crashed = records[index];
    CHECK(crashed.status == gcbench::RunStatus::crashed);
    REQUIRE(crashed.crash);
    CHECK(crashed.crash->signal == signal);
    CHECK_THAT(crashed.error, Catch::Contains(fmt::format("signal {}", signal)));
    CHECK_THAT(crashed.crash->stderr_tail, Catch::Contains(fmt::format("run {} (plan #{}) in process", crashed.run_id, index)));
  }
  CHECK_THAT(output, Catch::Contains("--resume"));
  REQUIRE(exit_code(gcbench_cli(fmt::format("report {}", quoted(dir / "out")))) == 0);
  CHECK_THAT(gcbench::testing::read_text(dir / "out" / "report.md"), Catch::Contains("2 ok, 0 diverged, 0 failed, 2 crashed"));
}

TEST_CASE(
    "A suite killed with SIGKILL after its second record resumes to exactly one record per run, the first two "
    "untouched byte for byte",
    "[resume]") {
  TempDir dir("gcbench-kill");
  const auto suite = write_suite(dir, 4, 6);
  const fs::path out = dir / "out";
  const pid_t pid = start_gcbench({"run", suite.string(), "--plugin-path",
                                   gcbench::testing::test_plugin_dir("crashing_net").string(), "--into", out.string()},
                                  dir / "first.log");
  wait_for_lines(out / "runs.jsonl", 2);
  ::kill(pid, SIGKILL);
  CHECK(wait_for(pid) == 128 + SIGKILL);
  const auto before = lines_of(out / "runs.jsonl");
  INFO(gcbench::testing::read_text(dir / "first.log"));
  REQUIRE(before.size() >= 2);
  REQUIRE(before.size() < 4);

  const auto output = gcbench_cli(fmt::format("run {} {} --resume {}", quoted(suite), plugin_path(), quoted(out)));
  INFO(output);
  CHECK(exit_code(output) == 0);
  const auto after = lines_of(out / "runs.jsonl");
  REQUIRE(after.size() == 4);
  CHECK(after[0] == before[0]);
  CHECK(after[1] == before[1]);
  std::set<std::size_t> places;
  for (const auto& record : records_in(out)) places.insert(record.index);
  CHECK(places == std::set<std::size_t>{0, 1, 2, 3});

  SECTION("and resuming a finished folder runs nothing") {
    const auto again = gcbench_cli(fmt::format("run {} {} --resume {}", quoted(suite), plugin_path(), quoted(out)));
    CHECK(exit_code(again) == 0);
    CHECK(lines_of(out / "runs.jsonl") == after);
  }
}

TEST_CASE("Resuming a finished suite whose variants share a point writes no second record", "[resume]") {
  TempDir dir("gcbench-shared-point");
  const auto suite = write_suite(dir, 1, 1, "[variants.first]\n[variants.same_again]\n");
  REQUIRE(exit_code(gcbench_cli(fmt::format("run {} {} --into {}", quoted(suite), plugin_path(), quoted(dir / "out")))) == 0);
  const auto records = records_in(dir / "out");
  REQUIRE(records.size() == 2);
  REQUIRE(records[1].reused_from);  // the same run id at a second place in the plan
  const auto before = lines_of(dir / "out" / "runs.jsonl");
  REQUIRE(exit_code(gcbench_cli(fmt::format("run {} {} --resume {}", quoted(suite), plugin_path(), quoted(dir / "out")))) == 0);
  CHECK(lines_of(dir / "out" / "runs.jsonl") == before);
}

TEST_CASE("The first SIGINT stops the suite once the run in progress is recorded and prints the resume command",
          "[resume][signal]") {
  TempDir dir("gcbench-sigint");
  const auto suite = write_suite(dir, 3, 6);
  const fs::path out = dir / "out";
  const pid_t pid = start_gcbench({"run", suite.string(), "--plugin-path",
                                   gcbench::testing::test_plugin_dir("crashing_net").string(), "--into", out.string()},
                                  dir / "run.log");
  wait_for_lines(out / "runs.jsonl", 1);
  ::kill(pid, SIGINT);
  CHECK(wait_for(pid) == 130);
  const auto log = gcbench::testing::read_text(dir / "run.log");
  INFO(log);
  CHECK_THAT(log, Catch::Contains("Resume with:") && Catch::Contains("--resume"));
  const auto recorded = lines_of(out / "runs.jsonl");
  CHECK(recorded.size() >= 1);
  CHECK(recorded.size() <= 2);
  for (const auto& record : records_in(out)) CHECK(record.status == gcbench::RunStatus::ok);  // none cut short

  const auto output = gcbench_cli(fmt::format("run {} {} --resume {}", quoted(suite), plugin_path(), quoted(out)));
  CHECK(exit_code(output) == 0);
  CHECK(lines_of(out / "runs.jsonl").size() == 3);
}

TEST_CASE("A suite run as three shards and merged has the same results, run by run, as the suite run whole", "[resume][shards]") {
  TempDir dir("gcbench-shards");
  const auto suite = write_suite(dir, 3, 1, R"(
[variants.a]
[variants.b]
training = { lr = 0.03 }
)");
  const auto whole = gcbench_cli(fmt::format("run {} {} --into {}", quoted(suite), plugin_path(), quoted(dir / "whole")));
  INFO(whole);
  REQUIRE(exit_code(whole) == 0);
  std::string shard_folders;
  for (int shard = 1; shard <= 3; ++shard) {
    const fs::path folder = dir / fmt::format("shard-{}", shard);
    const auto output =
        gcbench_cli(fmt::format("run {} {} --shard {}/3 --into {}", quoted(suite), plugin_path(), shard, quoted(folder)));
    INFO(output);
    REQUIRE(exit_code(output) == 0);
    CHECK(records_in(folder).size() == 2);
    shard_folders += " " + quoted(folder);
  }
  const auto merged = gcbench_cli(fmt::format("merge{} --out {}", shard_folders, quoted(dir / "merged")));
  INFO(merged);
  REQUIRE(exit_code(merged) == 0);

  auto expected = records_in(dir / "whole");
  auto actual = records_in(dir / "merged");
  REQUIRE(expected.size() == 6);
  REQUIRE(actual.size() == 6);
  for (std::size_t i = 0; i < 6; ++i) {
    CHECK(actual[i].index == i);
    CHECK(actual[i].run_id == expected[i].run_id);
    CHECK(measured_values(actual[i]) == measured_values(expected[i]));
    CHECK(actual[i].training.final_loss == expected[i].training.final_loss);
  }
  const auto report = gcbench_cli(fmt::format("report {}", quoted(dir / "merged")));
  CHECK(exit_code(report) == 0);

  SECTION("and folders of different plans are refused") {
    const auto other = write_suite(dir, 3, 2);
    const auto output =
        gcbench_cli(fmt::format("run {} {} --shard 1/3 --into {}", quoted(other), plugin_path(), quoted(dir / "other")));
    REQUIRE(exit_code(output) == 0);
    const auto refused =
        gcbench_cli(fmt::format("merge {} {} --out {}", quoted(dir / "shard-1"), quoted(dir / "other"), quoted(dir / "mixed")));
    CHECK(exit_code(refused) == 1);
    CHECK_THAT(refused, Catch::Contains("different plans") && Catch::Contains("training.epochs"));
  }
}

TEST_CASE("Resuming a folder whose suite now plans other runs is refused, naming the changed keys", "[resume]") {
  TempDir dir("gcbench-changed");
  const auto suite = write_suite(dir, 1, 1);
  REQUIRE(exit_code(gcbench_cli(fmt::format("run {} {} --into {}", quoted(suite), plugin_path(), quoted(dir / "out")))) == 0);
  const auto output =
      gcbench_cli(fmt::format("run {} {} --set training.lr=0.2 --resume {}", quoted(suite), plugin_path(), quoted(dir / "out")));
  CHECK(exit_code(output) == 2);
  CHECK_THAT(output, Catch::Contains("training.lr 0.05 -> 0.2"));
  CHECK(lines_of(dir / "out" / "runs.jsonl").size() == 1);

  SECTION("while a changed runtime key (threads) is not a changed plan") {
    const auto resumed =
        gcbench_cli(fmt::format("run {} {} --threads 2 --resume {}", quoted(suite), plugin_path(), quoted(dir / "out")));
    CHECK(exit_code(resumed) == 0);
  }
}

TEST_CASE("A second process cannot write a results folder another one holds", "[resume]") {
  TempDir dir("gcbench-lock");
  const auto suite = write_suite(dir, 1, 1);
  REQUIRE(exit_code(gcbench_cli(fmt::format("run {} {} --into {}", quoted(suite), plugin_path(), quoted(dir / "out")))) == 0);
  const int fd = ::open((dir / "out" / ".lock").c_str(), O_RDWR);
  REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);
  const auto output = gcbench_cli(fmt::format("run {} {} --resume {}", quoted(suite), plugin_path(), quoted(dir / "out")));
  ::close(fd);
  CHECK(exit_code(output) == 1);
  CHECK_THAT(output, Catch::Contains("is being written by another gcbench process"));
}

namespace {

// Hides every GPU from the gcbench processes a test starts, so the "no GPU" cases
// mean the same on a machine that has one.
class NoVisibleGpu {
 private:
  gcbench::testing::ScopedEnvironmentVariable hidden_{"CUDA_VISIBLE_DEVICES", ""};
};

// `gcbench run SUITE --set runtime.device=DEVICE --into OUT`: its exit code and output.
std::string run_on_device(const fs::path& suite, const std::string& device, const fs::path& out) {
  return gcbench_cli(
      fmt::format("run {} {} --set runtime.device={} --into {}", quoted(suite), plugin_path(), device, quoted(out)));
}

}  // namespace

TEST_CASE("A CUDA suite validates, plans and emits on a machine without a GPU", "[device]") {
  NoVisibleGpu no_gpu;
  TempDir dir("gcbench-device");
  const auto suite = write_suite(dir, 1, 1);
  for (const char* device : {"cuda", "cuda:3", "auto"}) {
    INFO(device);
    const auto set = fmt::format("--set runtime.device={}", device);
    CHECK(exit_code(gcbench_cli(fmt::format("validate {} {} {}", quoted(suite), plugin_path(), set))) == 0);
    CHECK(exit_code(gcbench_cli(fmt::format("plan {} {} {}", quoted(suite), plugin_path(), set))) == 0);
    const auto script = dir / fmt::format("slurm-{}.sh", device);
    const auto emitted = gcbench_cli(
        fmt::format("emit slurm {} {} {} --gpus-per-task 1 --out {}", quoted(suite), plugin_path(), set, quoted(script)));
    INFO(emitted);
    CHECK(exit_code(emitted) == 0);
    CHECK(fs::exists(script));
  }
  SECTION("only the device's form is the suite's to check") {
    const auto output = gcbench_cli(fmt::format("validate {} {} --set runtime.device=cuda:x", quoted(suite), plugin_path()));
    CHECK(exit_code(output) == 2);
    CHECK_THAT(output, Catch::Contains("'runtime.device' is \"cuda:x\"") && Catch::Contains("\"cuda:N\""));
  }
}

TEST_CASE("A suite asking for more threads than this machine's cores validates and emits here, and stops at run", "[device]") {
  TempDir dir("gcbench-threads");
  const auto suite = write_suite(dir, 1, 1);
  const std::string set = "--set runtime.threads=4096";  // the schema's most; more cores than this machine has
  CHECK(exit_code(gcbench_cli(fmt::format("validate {} {} {}", quoted(suite), plugin_path(), set))) == 0);
  const auto emitted =
      gcbench_cli(fmt::format("emit slurm {} {} {} --out {}", quoted(suite), plugin_path(), set, quoted(dir / "job.sh")));
  INFO(emitted);
  CHECK(exit_code(emitted) == 0);
  const auto ran = gcbench_cli(fmt::format("run {} {} {} --out {}", quoted(suite), plugin_path(), set, quoted(dir / "out")));
  INFO(ran);
  CHECK(exit_code(ran) == 1);
  CHECK_THAT(ran, Catch::Contains("'runtime.threads' is 4096") && Catch::Contains("no results folder made"));
  CHECK_FALSE(fs::exists(dir / "out"));
}

TEST_CASE("A CUDA suite run where no GPU is visible stops before any folder is made, saying why", "[device]") {
  NoVisibleGpu no_gpu;
  TempDir dir("gcbench-device");
  const auto suite = write_suite(dir, 1, 1);
  const auto output = run_on_device(suite, "cuda", dir / "out");
  INFO(output);
  CHECK(exit_code(output) == 1);
  CHECK_FALSE(fs::exists(dir / "out"));
  CHECK_THAT(output, Catch::Contains("no results folder made") && Catch::Contains(suite.string()));
  if (gcbench::built_with_cuda()) {
    CHECK_THAT(output, Catch::Contains("no CUDA device visible (CUDA_VISIBLE_DEVICES=)"));
  } else {
    CHECK_THAT(output, Catch::Contains("built against a LibTorch without CUDA"));
  }
}

TEST_CASE("runtime.device = \"auto\" without a visible GPU runs on the CPU and the record says why", "[device]") {
  NoVisibleGpu no_gpu;
  TempDir dir("gcbench-device");
  const auto suite = write_suite(dir, 1, 1);
  const auto output = run_on_device(suite, "auto", dir / "out");
  INFO(output);
  REQUIRE(exit_code(output) == 0);
  const auto records = records_in(dir / "out");
  REQUIRE(records.size() == 1);
  const auto& provenance = records[0].provenance;
  CHECK(provenance.device == "cpu");
  CHECK(provenance.device_requested == "auto");
  CHECK(provenance.device_fallback == (gcbench::built_with_cuda() ? "no CUDA device visible (CUDA_VISIBLE_DEVICES=)"
                                                                  : "this gcbench is built against a LibTorch without CUDA"));
  REQUIRE(provenance.libtorch_cuda);
  CHECK(*provenance.libtorch_cuda == gcbench::built_with_cuda());
  CHECK(provenance.libtorch_cuda_version.empty() == !gcbench::built_with_cuda());
  CHECK(provenance.libtorch_cudnn_version.empty() == !gcbench::built_with_cuda());
}
