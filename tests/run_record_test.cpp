// The run record: one typed schema, JSON both ways, older schemas upgraded,
// and damaged records refused naming what is wrong.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <fstream>

#include "config/run_identity.hpp"
#include "record/results_folder.hpp"
#include "record/run_record.hpp"
#include "report/report.hpp"
#include "support/fixtures.hpp"

using gcbench::RunRecord;
using gcbench::testing::TempDir;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Every field set, optional ones included, with values JSON cannot round to others.
RunRecord full_record() {
  RunRecord r;
  r.run_id = "0123456789abcdef";
  r.training_id = "fedcba9876543210";
  r.suite = "mini-lr";
  r.description = "a learning-rate sweep";
  r.index = 7;
  r.variant = "lr";
  r.seed = 3;
  r.swept = {{"training.lr", 0.1}};
  r.config = {{"training", {{"lr", 0.1}}}, {"seed", 3}};
  r.run_dir = "runs/007-0123456789abcdef";
  r.started_at = "2026-11-29T01:02:03Z";
  r.provenance = {"0.1.0",
                  "abc123-dirty",
                  "1.13.1",
                  "host",
                  2,
                  2,
                  "Some CPU @ 2.0GHz",
                  "open",
                  "GCC 12.2.0",
                  "cuda:0",
                  "NVIDIA H200",
                  {"fashion_mnist", "1.0.0", "aa"},
                  {"conv4", "1.0.0", "bb"},
                  {{"exact", {"exact", "1.0.0", "cc"}}, {"hutchinson", {"hutchinson", "1.1.0", "dd"}}}};
  r.status = gcbench::RunStatus::ok;
  r.seconds = 12.345678901234567;
  r.reused_from = gcbench::ReusedFrom{2, "runs/002-0123456789abcdef"};
  r.network = gcbench::NetworkSummary{64, 123456};
  r.training.trained = false;
  r.training.trained_in_run = 1;
  r.training.checkpoint = "results/x/runs/001-a/final.pt";
  r.training.steps = 300;
  r.training.epochs_completed = 4;
  r.training.final_loss = 0.1 / 3;
  r.training.running_train_accuracy = 0.97;
  r.training.parameter_norm = 41.5;
  r.training.final_gc_penalty_estimate = 1e-7;
  r.training.trajectory = {{0, 0.0, 0.05, std::nullopt, std::nullopt, 1.5, 0.1, 2.5, 3.5, 0.25},
                           {10, 0.5, 0.05, 2.25, 0.5, 1.25, std::nullopt, 2.0, 3.0, 0.5}};
  gcbench::Metrics m;
  m.source.train_accuracy = 0.99;
  m.source.train_accuracy_examples = 30000;
  m.source.test_accuracy = 0.9;
  m.source.gc["exact"] = {12.5, std::nullopt, 16, 1.5, 64};
  m.source.gc["hutchinson"] = {12.25, 0.125, 1, 0.5, 64};
  gcbench::NcMeasurement nc{0.5, {{0, 0.5}, {0.5, 0}}, 1.5, 1, 0.1, 0.2, 0.3, 0.4, 0.95, {"a", "b"}, 200};
  m.source.nc = nc;
  m.target.emplace();
  nc.nc3.reset();
  nc.nc4.reset();
  m.target->nc = nc;
  m.target->fewshot["ncm"][5] = {5, 5, 15, 3, 0.6, 0.05, {0.5, 0.6, 0.7}, 0.01};
  m.target->fewshot["ncm"][10] = {5, 10, 15, 3, 0.7, 0.04, {0.6, 0.7, 0.8}, 0.02};
  r.metrics = m;
  r.evaluated_splits = gcbench::EvaluatedSplits{"source_test", "target", "source_train"};
  r.data_root = "/usr/share/datasets/fashion-mnist";
  r.timings = {{"train", 10.5}, {"total", 12.345678901234567}};
  r.cpu_timings = {{"train", 19.75}, {"total", 23.5}};
  r.peak_rss_bytes = 812345344;
  return r;
}

// A copy of the schema-1 results folder gcbench 0.1 wrote (tests/data/schema1_results).
fs::path schema1_folder(const TempDir& dir) {
  const fs::path folder = dir / "schema1" / "20261129T114707Z";
  fs::create_directories(folder);
  for (const char* file : {"runs.jsonl", "plan.json", "suite.resolved.toml"}) {
    fs::copy_file(gcbench::testing::source_dir() / "tests" / "data" / "schema1_results" / file, folder / file);
  }
  return folder;
}

std::string between(const std::string& text, const std::string& from, const std::string& to) {
  const auto start = text.find(from);
  REQUIRE(start != std::string::npos);
  const auto end = text.find(to, start);
  REQUIRE(end != std::string::npos);
  return text.substr(start, end - start);
}

}  // namespace

TEST_CASE("A run record goes to JSON and back without losing anything", "[record]") {
  const RunRecord original = full_record();
  const json written = json::parse(gcbench::to_json(original).dump());  // as a line of runs.jsonl
  const RunRecord read = gcbench::run_record_from_json(written);
  CHECK(gcbench::to_json(read) == written);
  CHECK(read.schema_version == gcbench::kRunRecordSchemaVersion);
  CHECK(read.seconds == original.seconds);  // doubles survive exactly
  CHECK(read.training.final_loss == original.training.final_loss);
  CHECK(read.training.trajectory.at(1).loss == 2.25);
  CHECK_FALSE(read.training.trajectory.at(0).loss);
  CHECK(read.metrics->source.gc.at("hutchinson").standard_error == 0.125);
  CHECK_FALSE(read.metrics->source.gc.at("exact").standard_error);
  CHECK(read.metrics->target->fewshot.at("ncm").at(10).per_episode == std::vector<double>{0.6, 0.7, 0.8});
  CHECK(read.provenance.gc_estimators.at("hutchinson").version == "1.1.0");
  CHECK(read.provenance.gc_estimators.at("hutchinson").sha256 == "dd");
  CHECK(read.reused_from->index == 2);
  CHECK(read.training.trained_in_run == 1u);
}

TEST_CASE("A source-only run's record says it has no target metrics", "[record]") {
  RunRecord record = full_record();
  record.metrics->target.reset();
  record.evaluated_splits->target.reset();
  const json written = gcbench::to_json(record);
  CHECK(written["metrics"]["target"].is_null());
  CHECK(written["evaluated_splits"]["target"].is_null());
  CHECK_FALSE(gcbench::run_record_from_json(written).metrics->target);
}

TEST_CASE("A damaged record is refused with the field it lacks or mistypes", "[record]") {
  json record = gcbench::to_json(full_record());
  SECTION("a missing field") {
    record["metrics"]["source"]["gc"]["exact"].erase("backward_passes");
    CHECK_THROWS_WITH(gcbench::run_record_from_json(record),
                      Catch::Contains("'metrics.source.gc.exact.backward_passes' is missing"));
  }
  SECTION("a field of the wrong type") {
    record["seed"] = "three";
    CHECK_THROWS_WITH(gcbench::run_record_from_json(record), Catch::Contains("'seed' is string, expected an integer"));
  }
  SECTION("a list element of the wrong type") {
    record["metrics"]["target"]["fewshot"]["ncm"]["5"]["per_episode"][1] = "x";
    CHECK_THROWS_WITH(gcbench::run_record_from_json(record),
                      Catch::Contains("'metrics.target.fewshot.ncm.5.per_episode[1]' is string, expected a number"));
  }
  SECTION("an unknown status") {
    record["status"] = "exploded";
    CHECK_THROWS_WITH(gcbench::run_record_from_json(record), Catch::Contains("'status' is \"exploded\""));
  }
  SECTION("not an object at all") {
    CHECK_THROWS_WITH(gcbench::run_record_from_json(json(42)), Catch::Contains("not a run record"));
  }
}

TEST_CASE("A results folder refuses a record of a newer schema, naming file, line and both versions", "[record]") {
  TempDir dir;
  json newer = gcbench::to_json(full_record());
  newer["schema_version"] = 99;
  gcbench::testing::write_text(dir / "runs.jsonl", gcbench::to_json(full_record()).dump() + "\n" + newer.dump() + "\n");
  const auto read = gcbench::ResultsFolder::open(dir.path()).read_records();
  CHECK(read.records.size() == 1);
  REQUIRE(read.problems.size() == 1);
  CHECK_THAT(read.problems[0], Catch::Contains("runs.jsonl:2") && Catch::Contains("schema version 99") &&
                                   Catch::Contains(fmt::format("schema version {}", gcbench::kRunRecordSchemaVersion)));
}

TEST_CASE("A results folder reads a line that is JSON but no record as a problem naming its line", "[record]") {
  TempDir dir;
  gcbench::testing::write_text(dir / "runs.jsonl", "42\n" + gcbench::to_json(full_record()).dump() + "\n");
  const auto read = gcbench::ResultsFolder::open(dir.path()).read_records();
  CHECK(read.records.size() == 1);
  REQUIRE(read.problems.size() == 1);
  CHECK_THAT(read.problems[0], Catch::Contains("runs.jsonl:1: not a run record"));
}

TEST_CASE("A crashed run's record keeps its signal and the tail of its stderr", "[record]") {
  RunRecord crashed = full_record();
  crashed.status = gcbench::RunStatus::crashed;
  crashed.metrics.reset();
  crashed.crash = gcbench::Crash{11, std::nullopt, "train epoch 1/3 step 4/9\n"};
  const json written = gcbench::to_json(crashed);
  CHECK(written["status"] == "crashed");
  CHECK(written["crash"]["signal"] == 11);
  CHECK_FALSE(written["crash"].contains("exit_code"));
  const RunRecord read = gcbench::run_record_from_json(written);
  REQUIRE(read.crash);
  CHECK(read.crash->signal == 11);
  CHECK(read.crash->stderr_tail == "train epoch 1/3 step 4/9\n");
  CHECK_FALSE(gcbench::is_finished(read.status));
}

TEST_CASE("A record names its LibTorch's CUDA and cuDNN and the device the suite asked for", "[record][device]") {
  RunRecord record = full_record();
  record.provenance.libtorch_cuda = true;
  record.provenance.libtorch_cuda_version = "13.2";
  record.provenance.libtorch_cudnn_version = "9.26.0";
  record.provenance.device_requested = "auto";
  const json written = gcbench::to_json(record);
  CHECK(written["provenance"]["libtorch_cuda"] == true);
  CHECK(written["provenance"]["libtorch_cuda_version"] == "13.2");
  const RunRecord read = gcbench::run_record_from_json(written);
  CHECK(read.provenance.libtorch_cuda == std::optional<bool>(true));
  CHECK(read.provenance.libtorch_cudnn_version == "9.26.0");
  CHECK(read.provenance.device_requested == "auto");
  CHECK(read.provenance.device_fallback.empty());
}

TEST_CASE("Records of schema 5 are upgraded without a word on their LibTorch's CUDA", "[record][device]") {
  json older = gcbench::to_json(full_record());
  older["schema_version"] = 5;
  for (const char* field :
       {"libtorch_cuda", "libtorch_cuda_version", "libtorch_cudnn_version", "device_requested", "device_fallback"}) {
    older["provenance"].erase(field);
  }
  const RunRecord read = gcbench::run_record_from_json(older);
  CHECK(read.schema_version == gcbench::kRunRecordSchemaVersion);
  CHECK_FALSE(read.provenance.libtorch_cuda);  // not known
  CHECK(read.provenance.libtorch_cuda_version.empty());
  CHECK(read.provenance.device_requested.empty());
  CHECK(read.provenance.device == "cuda:0");  // what schema 5 said stays
}

TEST_CASE("A record keeps the data sources its dataset named, and one of schema 6 reads as naming none", "[record]") {
  RunRecord record = full_record();
  record.data_sources = {{"split", "shipped"}, {"train.csv", "sha256:4985"}};
  const json written = gcbench::to_json(record);
  CHECK(written["data_sources"]["split"] == "shipped");
  CHECK(gcbench::run_record_from_json(written).data_sources == record.data_sources);

  json older = written;
  older["schema_version"] = 6;
  older.erase("data_sources");
  const RunRecord read = gcbench::run_record_from_json(older);
  CHECK(read.schema_version == gcbench::kRunRecordSchemaVersion);
  CHECK(read.data_sources.empty());  // not known
}

TEST_CASE("Records of schema 3 are upgraded as run on the CPU", "[record]") {
  json older = gcbench::to_json(full_record());
  older["schema_version"] = 3;
  older["provenance"].erase("device");
  older["provenance"].erase("device_model");
  const RunRecord read = gcbench::run_record_from_json(older);
  CHECK(read.provenance.device == "cpu");
  CHECK(read.provenance.device_model == "Some CPU @ 2.0GHz");
}

TEST_CASE("Records of schema 1 are upgraded when read", "[record]") {
  TempDir dir;
  const auto read = gcbench::ResultsFolder::open(schema1_folder(dir)).read_records();
  CHECK(read.problems.empty());
  REQUIRE(read.records.size() == 5);
  for (const auto& record : read.records) {
    INFO(record.index);
    CHECK(record.schema_version == gcbench::kRunRecordSchemaVersion);
    CHECK(record.provenance.cpu_model.empty());  // schema 1 did not say
    CHECK(record.training_id == gcbench::training_identity(record.config, {}));
    CHECK(record.status == gcbench::RunStatus::ok);
    CHECK(record.training.trained == !record.reused_from);  // the run that repeats #1 trained nothing
  }
  CHECK(read.records[4].reused_from->index == 1);
  CHECK(read.records[4].training_id == read.records[1].training_id);
  CHECK(read.records[0].training.trajectory.size() == 3);  // steps 0, 6 and 12
  CHECK(read.records[0].provenance.gc_estimators.at("exact").version == "1.0.0");
}

TEST_CASE("gcbench report on a schema-1 folder gives the tables gcbench 0.1 gave", "[record][report]") {
  TempDir dir;
  const auto report = gcbench::write_report(schema1_folder(dir));
  const auto markdown = gcbench::testing::read_text(report.markdown);
  const auto expected = gcbench::testing::read_text(gcbench::testing::source_dir() / "tests" / "data" / "schema1_report.md");
  // The tables 0.1 wrote are unchanged; the sweeps-as-curves section came later and sits between them.
  const auto dose = markdown.find("\n## The sweeps as curves");
  const auto runs = markdown.find("\n## Runs");
  REQUIRE(dose != std::string::npos);
  REQUIRE(runs != std::string::npos);
  const auto without_dose = markdown.substr(0, dose) + markdown.substr(runs);
  CHECK(between(without_dose, "## Does the paper", "## Figures") == between(expected, "## Does the paper", "## Figures"));
  CHECK(report.figures.size() == 10);
}

TEST_CASE("A run's training identity ignores what it only measures", "[record]") {
  const json base = {{"seed", 0},
                     {"dataset", {{"plugin", "fashion_mnist"}}},
                     {"architecture", {{"plugin", "conv4"}}},
                     {"training",
                      {{"lr", 0.1},
                       {"gc_penalty", 0.0},
                       {"gc_penalty_estimator", "hutchinson"},
                       {"trajectory_every", 0},
                       {"trajectory_estimator", "hutchinson"}}},
                     {"measure", {{"gc_samples", 128}}},
                     {"estimators", {{"hutchinson", {{"probes", 8}}}}},
                     {"runtime", {{"threads", 0}}}};
  const auto id = gcbench::training_identity(base, {});
  SECTION("measurement keys and estimator options are not part of it") {
    json other = base;
    other["measure"]["gc_samples"] = 512;
    other["estimators"]["hutchinson"]["probes"] = 32;
    other["runtime"]["threads"] = 1;
    CHECK(gcbench::training_identity(other, {}) == id);
    CHECK(gcbench::run_identity(other, {}) != gcbench::run_identity(base, {}));
  }
  SECTION("a training key, the seed or the data is") {
    for (const auto& [pointer, value] :
         std::vector<std::pair<std::string, json>>{{"/training/lr", 0.2}, {"/seed", 1}, {"/dataset/plugin", "cifar10"}}) {
      json other = base;
      other[json::json_pointer(pointer)] = value;
      CHECK(gcbench::training_identity(other, {}) != id);
    }
  }
  SECTION("the penalty estimator's options are, once the penalty is on") {
    json on = base;
    on["training"]["gc_penalty"] = 1e-4;
    json on_more_probes = on;
    on_more_probes["estimators"]["hutchinson"]["probes"] = 32;
    CHECK(gcbench::training_identity(on_more_probes, {}) != gcbench::training_identity(on, {}));
  }
}

TEST_CASE("A folder written by gcbench 0.1 resumes under today's run ids, runs nothing again, and its history goes on",
          "[record][resume][history]") {
  using gcbench::testing::quoted;
  TempDir dir;
  const auto folder = schema1_folder(dir);
  gcbench::testing::write_fashion_mnist_fixture(dir / "data" / "fashion_mnist", 40, 30);
  const auto suite = dir / "schema1.toml";
  fs::copy_file(gcbench::testing::source_dir() / "tests" / "data" / "schema1_results" / "suite.toml", suite);
  // Its plan has root "": the data came from GCBENCH_DATA then too.
  const auto gcbench = fmt::format("GCBENCH_DATA={} {}", quoted(dir / "data"), quoted(gcbench::testing::gcbench_executable()));
  const auto ids = [](const json& plan) {
    std::vector<std::string> out;
    for (const auto& run : plan) out.push_back(run["run_id"].get<std::string>());
    return out;
  };
  const auto written_by_0_1 = ids(json::parse(gcbench::testing::read_text(folder / "plan.json")));
  const auto planned = gcbench::testing::run_command(fmt::format("{} plan {} --json 2>/dev/null", gcbench, quoted(suite)));
  REQUIRE(gcbench::testing::exit_code(planned) == 0);
  const auto planned_now = ids(json::parse(planned.substr(planned.find('\n') + 1)));
  REQUIRE(planned_now.size() == 5);
  CHECK(planned_now != written_by_0_1);  // 0.1 hashed every key, defaults too

  const auto resumed =
      gcbench::testing::run_command(fmt::format("{} run {} --resume {}", gcbench, quoted(suite), quoted(folder)));
  INFO(resumed);
  REQUIRE(gcbench::testing::exit_code(resumed) == 0);
  CHECK_THAT(resumed, Catch::Contains("(0 this time, 5 already there)"));
  CHECK_THAT(resumed, Catch::Contains("networks trained: 0"));
  CHECK(ids(json::parse(gcbench::testing::read_text(folder / "plan.json"))) == planned_now);

  SECTION("a history of the 0.1 folder and a run of today's gcbench has one series per run, two points each") {
    const auto db = dir / "history.sqlite";
    const auto today =
        gcbench::testing::run_command(fmt::format("{} run {} --out {}", gcbench, quoted(suite), quoted(dir / "out")));
    INFO(today);
    REQUIRE(gcbench::testing::exit_code(today) == 0);
    const auto added = gcbench::testing::gcbench_cli(fmt::format("history add --db {} {} {}", quoted(db), quoted(folder),
                                                                 quoted(*fs::directory_iterator(dir / "out" / "schema1"))));
    INFO(added);
    REQUIRE(gcbench::testing::exit_code(added) == 0);
    const auto shown = gcbench::testing::gcbench_cli(fmt::format("history show --db {}", quoted(db)));
    INFO(shown);
    REQUIRE(gcbench::testing::exit_code(shown) == 0);
    const auto series = shown.find("schema1/lr training.lr=0.05 seed=0/source.gc.exact ");
    REQUIRE(series != std::string::npos);
    CHECK(shown.substr(series, shown.find('\n', series) - series).find(" 2 points") != std::string::npos);
  }
}

TEST_CASE(
    "A record names the machine's instruction sets, math libraries and thread variables; one of schema 7 does not know them",
    "[record]") {
  RunRecord record = full_record();
  record.provenance.cpu_isa = "avx avx2 fma";
  record.provenance.math_libraries = std::vector<std::string>{"libopenblasp-r0.3.21.so sha256:3c5ecc47b35745ac"};
  record.provenance.thread_environment = std::vector<std::string>{};  // known: none set
  const json written = gcbench::to_json(record);
  CHECK(written["provenance"]["cpu_isa"] == "avx avx2 fma");
  CHECK(written["provenance"]["thread_environment"] == json::array());
  const RunRecord read = gcbench::run_record_from_json(written);
  CHECK(read.provenance.math_libraries == record.provenance.math_libraries);
  CHECK(read.provenance.thread_environment == std::optional<std::vector<std::string>>(std::vector<std::string>{}));

  json older = written;
  older["schema_version"] = 7;
  for (const char* field : {"cpu_isa", "math_libraries", "thread_environment"}) older["provenance"].erase(field);
  const RunRecord upgraded = gcbench::run_record_from_json(older);
  CHECK(upgraded.schema_version == gcbench::kRunRecordSchemaVersion);
  CHECK(upgraded.provenance.cpu_isa.empty());
  CHECK_FALSE(upgraded.provenance.math_libraries);
  CHECK_FALSE(upgraded.provenance.thread_environment);
}
