// LibTorch defines glog's CHECK; included first, Catch's CHECK replaces it.
#include <c10/util/Logging.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "config/suite.hpp"
#include "plan/plan.hpp"
#include "plugins/plugin_registry.hpp"
#include "record/provenance.hpp"
#include "record/results_folder.hpp"
#include "runner/suite_runner.hpp"
#include "support/fixtures.hpp"

using gcbench::testing::TempDir;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string tiny_suite(const fs::path& data, const std::string& sweep) {
  return R"(
[suite]
name = "tiny"
seeds = [3]
[dataset]
plugin = "fashion_mnist"
root = ")" +
         data.string() + R"("
[architecture]
plugin = "conv4"
[architecture.options]
width = 8
embedding_dim = 16
[training]
epochs = 1
batch_size = 16
lr = 0.05
[measure]
gc_samples = 8
[measure.fewshot]
ways = 5
shots = [1, 5]
queries = 5
episodes = 10
[runtime]
threads = 1
[sweep]
)" + sweep +
         "\n";
}

struct TinyRun {
  gcbench::SuiteRunSummary summary;
  std::vector<json> records;  // summary.records as JSON
  std::vector<gcbench::PlannedRun> plan;
};

TinyRun run_tiny(const TempDir& dir, const std::string& sweep, const fs::path& data) {
  const auto file = dir / "tiny.toml";
  gcbench::testing::write_text(file, tiny_suite(data, sweep));
  const auto registry = gcbench::PluginRegistry::discover({gcbench::testing::plugin_dir()});
  const auto suite = gcbench::validate_suite(file, {}, registry);
  TinyRun run;
  run.plan = gcbench::plan_runs(suite);
  run.summary = gcbench::run_suite(suite, run.plan, registry, dir / "results");
  run.records = gcbench::testing::as_json(run.summary.records);
  return run;
}

}  // namespace

TEST_CASE("A tiny suite runs end to end on IDX fixtures and records every field", "[e2e]") {
  TempDir dir;
  gcbench::testing::write_fashion_mnist_fixture(dir / "data", 40, 30);
  const auto run = run_tiny(dir, R"("training.lr" = [0.01, 0.05])", dir / "data");

  REQUIRE(run.records.size() == 2);
  CHECK(run.summary.failed == 0);
  const auto read = gcbench::ResultsFolder::open(run.summary.results_dir).read_records();
  const auto on_disk = gcbench::testing::as_json(read.records);
  CHECK(read.problems.empty());
  REQUIRE(on_disk == run.records);
  CHECK(fs::exists(run.summary.results_dir / "suite.resolved.toml"));
  CHECK(fs::exists(run.summary.results_dir / "plan.json"));

  const json& record = on_disk[1];
  CHECK(record["status"] == "ok");
  CHECK(record["run_id"] == run.plan[1].id);
  CHECK(record["seed"] == 3);
  CHECK(record["swept"]["training.lr"] == 0.05);
  CHECK(record["config"]["training"]["lr"] == 0.05);
  CHECK(record["config"]["dataset"]["options"]["source_classes"] == json({0, 1, 2, 3, 4}));

  const json& source = record["metrics"]["source"];
  for (const char* estimator : {"exact", "hutchinson"}) {
    INFO(estimator);
    CHECK(source["gc"][estimator]["value"].get<double>() > 0);
    CHECK(source["gc"][estimator]["examples"] == 8);
    CHECK(source["gc"][estimator]["backward_passes"].get<int>() >= 1);
    CHECK(source["gc"][estimator]["seconds"].get<double>() >= 0);
  }
  CHECK(source["gc"]["exact"]["standard_error"].is_null());
  CHECK(source["gc"]["hutchinson"]["standard_error"].get<double>() > 0);
  CHECK(source["train_accuracy"].get<double>() > 0.5);  // the bands are easy to learn
  CHECK(source["test_accuracy"].is_number());
  CHECK(source["nc"]["cdnv"].get<double>() > 0);
  CHECK(source["nc"]["classes"].size() == 5);

  const json& target = record["metrics"]["target"];
  CHECK(target["nc"]["cdnv"].get<double>() > 0);
  for (const char* shots : {"1", "5"}) {
    INFO(shots << "-shot");
    const json& fewshot = target["fewshot"]["ncm"][shots];
    CHECK(fewshot["mean"].get<double>() > 0.2);
    CHECK(fewshot["ci95"].get<double>() >= 0);
    CHECK(fewshot["per_episode"].size() == 10);
  }
  for (const char* phase : {"load_data", "build", "train", "accuracy", "embed", "gc", "nc", "fewshot", "total"}) {
    INFO(phase);
    CHECK(record["timings"][phase].is_number());
  }
  CHECK(record["training"]["steps"] == 200 / 16);
  CHECK(record["network"]["embedding_dim"] == 16);
  CHECK_FALSE(record["provenance"]["git_revision"].get<std::string>().empty());
  CHECK(record["provenance"]["libtorch_version"] == gcbench::libtorch_version());  // the LibTorch of this build, 1.13 or 2.x
  CHECK(record["provenance"]["threads"] == 1);
  CHECK(record["provenance"]["plugins"]["architecture"]["name"] == "conv4");
}

TEST_CASE("GC in pixels is GC in the standardised input divided by the channel's variance", "[e2e]") {
  // One channel: J w.r.t. pixels in [0, 1] is J w.r.t. the standardised input times 1 / std.
  TempDir dir;
  gcbench::testing::write_fashion_mnist_fixture(dir / "data", 40, 30);
  const auto run = run_tiny(dir, R"("measure.gc_input" = ["standardised", "pixels"])", dir / "data");
  REQUIRE(run.records.size() == 2);
  CHECK(run.summary.trainings == 1);  // what GC is taken w.r.t. does not change the network
  const auto registry = gcbench::PluginRegistry::discover({gcbench::testing::plugin_dir()});
  std::map<std::string, gcbench::OptionValue> defaults;
  for (const auto& spec : registry.find(gcbench::PluginKind::dataset, "fashion_mnist").info.options)
    defaults.emplace(spec.name, spec.default_value);
  const double stddev =
      registry.create_dataset("fashion_mnist", dir / "data", gcbench::Options(defaults))->normalization().stddev.at(0);
  for (const char* estimator : {"exact", "hutchinson"}) {
    INFO(estimator);
    const double standardised = run.records[0]["metrics"]["source"]["gc"][estimator]["value"];
    const double pixels = run.records[1]["metrics"]["source"]["gc"][estimator]["value"];
    CHECK(pixels == Catch::Detail::Approx(standardised / (stddev * stddev)).epsilon(1e-3));
  }
}

TEST_CASE("Two runs with the same seed see the same episodes and give the same accuracies", "[e2e]") {
  TempDir dir;
  gcbench::testing::write_fashion_mnist_fixture(dir / "data", 40, 30);
  const auto first = run_tiny(dir, R"("training.epochs" = [1])", dir / "data");
  const auto second = run_tiny(dir, R"("training.epochs" = [1])", dir / "data");
  const auto& a = first.records.at(0)["metrics"]["target"]["fewshot"]["ncm"];
  const auto& b = second.records.at(0)["metrics"]["target"]["fewshot"]["ncm"];
  CHECK(a["5"]["per_episode"] == b["5"]["per_episode"]);
  CHECK(first.records[0]["run_id"] == second.records[0]["run_id"]);
}

TEST_CASE("A point two variants share is trained once and its record reused", "[e2e]") {
  TempDir dir;
  gcbench::testing::write_fashion_mnist_fixture(dir / "data", 40, 30);
  // lr 0.05 with batch 16 is in both variants: the base value of each swept key.
  const auto run = run_tiny(dir,
                            "[variants.lr.sweep]\n\"training.lr\" = [0.01, 0.05]\n"
                            "[variants.batch.sweep]\n\"training.batch_size\" = [8, 16]\n",
                            dir / "data");
  REQUIRE(run.records.size() == 4);
  const auto& first = run.records[1];
  const auto& again = run.records[3];
  REQUIRE(first["run_id"] == again["run_id"]);
  CHECK_FALSE(first.contains("reused_from"));
  CHECK(again["reused_from"]["index"] == 1);
  CHECK(again["variant"] == "batch");
  CHECK(again["swept"] == json{{"training.batch_size", 16}});
  CHECK(again["status"] == "ok");
  CHECK(again["metrics"] == first["metrics"]);
  CHECK(fs::exists(run.summary.results_dir / first["run_dir"].get<std::string>() / "final.pt"));
  CHECK_FALSE(fs::exists(run.summary.results_dir / again["run_dir"].get<std::string>() / "final.pt"));
  CHECK(fs::exists(run.summary.results_dir / again["run_dir"].get<std::string>() / "record.json"));
  for (const std::size_t index : {0, 2}) CHECK_FALSE(run.records[index].contains("reused_from"));
}

TEST_CASE("A diverging run is recorded as diverged and the suite goes on", "[e2e]") {
  TempDir dir;
  gcbench::testing::write_fashion_mnist_fixture(dir / "data", 40, 30);
  const auto run = run_tiny(dir, R"("training.lr" = [1e12, 0.05])", dir / "data");
  REQUIRE(run.records.size() == 2);
  CHECK(run.records[0]["status"] == "diverged");
  CHECK(run.records[0]["training"]["diverged_at_step"].get<int>() >= 1);
  CHECK_THAT(run.records[0]["error"].get<std::string>(), Catch::Contains("lower training.lr"));
  CHECK(run.records[1]["status"] == "ok");
  CHECK(run.summary.diverged == 1);
}

TEST_CASE("Missing data stops the suite with an error naming the file and the fix", "[e2e]") {
  TempDir dir;
  const auto run = run_tiny(dir, R"("training.lr" = [0.01, 0.05])", dir / "no-such-folder");
  REQUIRE(run.records.size() == 1);
  CHECK(run.records[0]["status"] == "failed");
  CHECK_THAT(run.records[0]["error"].get<std::string>(),
             Catch::Contains("no-such-folder/train-images-idx3-ubyte.gz") && Catch::Contains("dataset-fashion-mnist"));
}

TEST_CASE("Killing gcbench mid-suite leaves every finished record intact", "[e2e][process]") {
  TempDir dir;
  gcbench::testing::write_fashion_mnist_fixture(dir / "data", 40, 30);
  gcbench::testing::write_text(dir / "tiny.toml",
                               tiny_suite(dir / "data", R"("training.lr" = [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08])"));
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    const std::string exe = gcbench::testing::gcbench_executable().string();
    const std::string suite = (dir / "tiny.toml").string(), out = (dir / "results").string();
    freopen("/dev/null", "w", stdout);
    execl(exe.c_str(), exe.c_str(), "run", suite.c_str(), "--out", out.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  fs::path records;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
  while (std::chrono::steady_clock::now() < deadline) {
    std::error_code ec;
    for (const auto& entry : fs::recursive_directory_iterator(dir / "results", ec)) {
      if (entry.path().filename() == "runs.jsonl" && fs::file_size(entry.path(), ec) > 0) records = entry.path();
    }
    if (!records.empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  REQUIRE_FALSE(records.empty());
  CHECK(WIFSIGNALED(status));
  const auto file = gcbench::ResultsFolder::open(records.parent_path()).read_records();
  CHECK(file.problems.empty());
  REQUIRE(file.records.size() >= 1);
  CHECK(file.records.size() < 8);
  for (const auto& record : gcbench::testing::as_json(file.records)) CHECK(record["status"] == "ok");
}

TEST_CASE("A source-only dataset records source metrics and no target", "[e2e]") {
  TempDir dir;
  gcbench::testing::write_cifar10_fixture(dir / "cifar10", 20);
  const auto file = dir / "source_only.toml";
  gcbench::testing::write_text(file, R"(
[dataset]
plugin = "cifar10"
root = ")" + (dir / "cifar10").string() + R"("
[dataset.options]
records_per_file = 20
[architecture]
plugin = "conv4"
[architecture.options]
width = 8
[training]
batch_size = 20
augment = true
trajectory_every = 2
[measure]
gc_samples = 4
gc_estimators = ["hutchinson"]
[runtime]
threads = 1
)");
  const auto registry = gcbench::PluginRegistry::discover({gcbench::testing::plugin_dir()});
  const auto suite = gcbench::validate_suite(file, {}, registry);
  const auto summary = gcbench::run_suite(suite, gcbench::plan_runs(suite), registry, dir / "results");
  REQUIRE(summary.records.size() == 1);
  const auto record = gcbench::to_json(summary.records[0]);
  CHECK(record["status"] == "ok");
  CHECK(record["metrics"]["target"].is_null());
  CHECK(record["evaluated_splits"]["target"].is_null());
  CHECK(record["metrics"]["source"]["nc"]["nc4"].is_number());
  CHECK(record["training"]["trajectory"].size() == 4);  // steps 0, 2, 4 and 5
  CHECK(fs::exists(summary.results_dir / record["run_dir"].get<std::string>() / "final.pt"));
}

TEST_CASE("Sweeping only an estimator's option trains once and measures that one checkpoint", "[e2e]") {
  TempDir dir;
  gcbench::testing::write_fashion_mnist_fixture(dir / "data", 40, 30);
  const auto run = run_tiny(dir, R"("estimators.hutchinson.probes" = [2, 4, 8])", dir / "data");
  REQUIRE(run.records.size() == 3);
  CHECK(run.summary.trainings == 1);
  CHECK(gcbench::planned_trainings(run.plan) == 1);
  const auto& trainer = run.records[0];
  CHECK(trainer["training"]["trained"] == true);
  for (const std::size_t index : {1, 2}) {
    INFO("run " << index);
    const auto& measured = run.records[index];
    CHECK(measured["status"] == "ok");
    CHECK(measured["training"]["trained"] == false);
    CHECK(measured["training"]["trained_in_run"] == 0);
    CHECK(measured["training_id"] == trainer["training_id"]);
    CHECK(measured["run_id"] != trainer["run_id"]);
    CHECK(measured["training"]["checkpoint"] == trainer["training"]["checkpoint"]);
    CHECK(measured["training"]["steps"] == trainer["training"]["steps"]);
    // The same network, measured again: exact GC agrees; the estimator's own option took effect.
    CHECK(measured["metrics"]["source"]["gc"]["exact"]["value"] == trainer["metrics"]["source"]["gc"]["exact"]["value"]);
    CHECK(measured["config"]["estimators"]["hutchinson"]["probes"] ==
          run.plan[index].config["estimators"]["hutchinson"]["probes"]);
    CHECK_FALSE(fs::exists(run.summary.results_dir / measured["run_dir"].get<std::string>() / "final.pt"));
  }
  CHECK(run.records[0]["metrics"]["source"]["gc"]["hutchinson"]["value"] !=
        run.records[2]["metrics"]["source"]["gc"]["hutchinson"]["value"]);
}

TEST_CASE("Changing a training key trains again", "[e2e]") {
  TempDir dir;
  gcbench::testing::write_fashion_mnist_fixture(dir / "data", 40, 30);
  const auto run = run_tiny(dir, R"("training.lr" = [0.01, 0.05])", dir / "data");
  CHECK(run.summary.trainings == 2);
  CHECK(gcbench::planned_trainings(run.plan) == 2);
  CHECK(run.records[0]["training_id"] != run.records[1]["training_id"]);
  for (const auto& record : run.records) CHECK(record["training"]["trained"] == true);
}

TEST_CASE("A record's data digest is the one data verify prints, and differs for other data", "[e2e]") {
  TempDir dir;
  gcbench::testing::write_fashion_mnist_fixture(dir / "data", 40, 30);
  const auto run = run_tiny(dir, R"("training.lr" = [0.05])", dir / "data");
  REQUIRE(run.records.size() == 1);
  const auto digest = run.records[0]["data_digest"].get<std::string>();
  CHECK(digest.rfind("sha256:", 0) == 0);

  const auto verify = [&](const fs::path& data) {
    const auto out = gcbench::testing::gcbench_cli("data verify fashion_mnist " + gcbench::testing::quoted(data));
    INFO(out);
    REQUIRE(gcbench::testing::exit_code(out) == 0);
    const auto at = out.find("data digest ");
    REQUIRE(at != std::string::npos);
    return out.substr(at + 12, out.find(' ', at + 12) - at - 12);
  };
  CHECK(verify(dir / "data") == digest);
  gcbench::testing::write_fashion_mnist_fixture(dir / "other", 41, 30);
  CHECK(verify(dir / "other") != digest);
}

TEST_CASE("A data folder whose path is not UTF-8 runs, its path recorded with the stray byte escaped", "[e2e]") {
  TempDir dir;
  const fs::path data = dir / "da\xFFta";  // Latin-1 ÿ: one byte that is not UTF-8
  gcbench::testing::write_fashion_mnist_fixture(data / "fashion_mnist", 40, 30);
  std::string suite = tiny_suite("", "");
  suite.replace(suite.find("root = \"\"\n"), std::string("root = \"\"\n").size(), "");  // the data comes from GCBENCH_DATA
  gcbench::testing::write_text(dir / "tiny.toml", suite);
  const auto output = gcbench::testing::run_command(
      fmt::format("GCBENCH_DATA={} {} run {} --out {}", gcbench::testing::quoted(data),
                  gcbench::testing::quoted(gcbench::testing::gcbench_executable()), gcbench::testing::quoted(dir / "tiny.toml"),
                  gcbench::testing::quoted(dir / "out")));
  INFO(output);
  REQUIRE(gcbench::testing::exit_code(output) == 0);
  const auto read = gcbench::ResultsFolder::open(dir / "out" / "tiny").read_records();
  REQUIRE(read.problems.empty());
  REQUIRE(read.records.size() == 1);
  CHECK(read.records[0].status == gcbench::RunStatus::ok);
  CHECK(read.records[0].data_root == (dir.path() / "da\\xffta" / "fashion_mnist").string());
}
