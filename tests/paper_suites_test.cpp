// The paper suites need real datasets and GPU hours; here each one is validated,
// planned, and its first run of every variant is run for two SGD steps on
// fixtures in the real on-disk formats, with the networks made narrow.
// LibTorch defines glog's CHECK; included first, Catch's CHECK replaces it.
#include <c10/util/Logging.h>
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <map>

#include "plan/plan.hpp"
#include "plugins/plugin_registry.hpp"
#include "report/report.hpp"
#include "runner/suite_runner.hpp"
#include "support/fixtures.hpp"

namespace fs = std::filesystem;
using gcbench::testing::TempDir;
using nlohmann::json;

namespace {

const gcbench::PluginRegistry& registry() {
  static const auto loaded = gcbench::PluginRegistry::discover({gcbench::testing::plugin_dir()});
  return loaded;
}

fs::path paper_suite(const std::string& name) { return gcbench::testing::source_dir() / "suites" / "paper" / name; }

// Fixture data for the suite's dataset, and the overrides that fit the suite to it.
std::vector<gcbench::Override> cut_down(const fs::path& suite, const TempDir& dir) {
  const toml::table table = gcbench::read_suite_table(suite, {});
  const std::string dataset = table.at_path("dataset.plugin").value_or(std::string());
  const std::string architecture = table.at_path("architecture.plugin").value_or(std::string());
  const fs::path data = dir / "data";
  std::vector<std::string> sets = {"dataset.root=\"" + data.string() + "\"",
                                   "training.epochs=2",
                                   "training.max_steps=2",
                                   "training.trajectory_gc_samples=2",
                                   "training.trajectory_nc_samples=10",
                                   "measure.gc_samples=4",
                                   "measure.accuracy_samples=20",
                                   "measure.fewshot.shots=[1]",
                                   "measure.fewshot.queries=2",
                                   "measure.fewshot.episodes=3",
                                   "suite.seeds=[0]"};
  if (table.at_path("training.trajectory_every").value_or(0) > 0) sets.push_back("training.trajectory_every=1");
  if (dataset == "cifar10") {
    gcbench::testing::write_cifar10_fixture(data, 20);
    sets.push_back("dataset.options.records_per_file=20");
  } else if (dataset == "cifar_fs") {
    gcbench::testing::write_cifar100_fixture(data, 12);
    sets.insert(sets.end(), {"dataset.options.images_per_class=12", "dataset.options.holdout_per_class=4"});
  } else if (dataset == "mini_imagenet") {
    gcbench::testing::write_mini_imagenet_fixture(data, 6);
    sets.insert(sets.end(),
                {"dataset.options.images_per_class=6", "dataset.options.holdout_per_class=2", "dataset.options.image_size=32"});
  }
  if (architecture == "vgg13") sets.push_back("architecture.options.width_multiplier=0.125");
  if (architecture == "resnet18") sets.push_back("architecture.options.width=8");
  if (architecture == "resnet12") sets.push_back("architecture.options.widths=[8, 8, 8, 8]");
  std::vector<gcbench::Override> overrides;
  for (const auto& text : sets) overrides.push_back(gcbench::parse_override(text));
  return overrides;
}

struct PaperRun {
  std::vector<json> records;
  gcbench::Report report;
  std::size_t planned = 0;
};

// Plans the full suite, then runs its first run of each variant cut down.
PaperRun run_cut_down(const std::string& name, const TempDir& dir) {
  const auto file = paper_suite(name);
  const auto full = gcbench::plan_runs(gcbench::validate_suite(file, {}, registry()));
  const auto suite = gcbench::validate_suite(file, cut_down(file, dir), registry());
  std::vector<gcbench::PlannedRun> first_of_each;
  for (const auto& run : gcbench::plan_runs(suite)) {
    const bool seen = std::any_of(first_of_each.begin(), first_of_each.end(),
                                  [&](const gcbench::PlannedRun& r) { return r.variant == run.variant; });
    if (!seen) first_of_each.push_back(run);
  }
  const auto summary = gcbench::run_suite(suite, first_of_each, registry(), dir / "results");
  PaperRun out{gcbench::testing::as_json(summary.records), gcbench::write_report(summary.results_dir), full.size()};
  for (const auto& record : out.records) {
    INFO(name << " run " << record["index"] << ": " << record.value("error", ""));
    CHECK(record["status"] == "ok");
    CHECK(record["metrics"]["source"]["gc"]["exact"]["value"].get<double>() > 0);
  }
  CHECK(out.records.size() == suite.variants.size());
  CHECK_FALSE(out.report.figures.empty());
  for (const auto& figure : out.report.figures) CHECK(figure.data_points > 0);
  return out;
}

std::size_t figures_named(const gcbench::Report& report, const std::string& stem) {
  return static_cast<std::size_t>(std::count_if(report.figures.begin(), report.figures.end(), [&](const auto& figure) {
    return figure.svg_file.filename().string().rfind(stem, 0) == 0;
  }));
}

}  // namespace

TEST_CASE("Every paper suite validates and `gcbench plan` lists all its runs", "[paper]") {
  const std::map<std::string, int> runs = {{"fig1_cifar10_vgg13.toml", 45},
                                           {"gc_regularisation_cifar10_vgg13.toml", 12},
                                           {"fig4_cifar_fs_resnet18.toml", 45},
                                           {"transfer_mini_imagenet_resnet18.toml", 45},
                                           {"transfer_mini_imagenet_resnet12.toml", 45},
                                           {"sec42_sampled_gc_cifar10_vgg13.toml", 48}};
  std::size_t found = 0;
  for (const auto& entry : fs::directory_iterator(gcbench::testing::source_dir() / "suites" / "paper")) {
    if (entry.path().extension() == ".toml") ++found;
  }
  CHECK(found == runs.size());  // a new paper suite gets a line here
  for (const auto& [name, count] : runs) {
    const auto output = gcbench::testing::run_command(
        fmt::format("{} plan {}", gcbench::testing::gcbench_executable().string(), paper_suite(name).string()));
    INFO(output);
    CHECK(output.rfind("0\n", 0) == 0);
    CHECK_THAT(output, Catch::Contains(fmt::format(": {} runs", count)));
    CHECK_THAT(output, Catch::Contains(fmt::format("  {}  ", count - 1)));  // the last run's row
    if (name == "fig1_cifar10_vgg13.toml") {
      // lr 0.05 at batch 64 is in both the lr and batch-size variants, once per seed.
      CHECK_THAT(output, Catch::Contains(": 45 runs, 42 to train (3 repeat an earlier run") && Catch::Contains(" = #3 "));
    }
  }
}

TEST_CASE("The Fig. 1 suite runs each variant cut down, with GC and NC trajectories", "[paper]") {
  TempDir dir;
  const auto run = run_cut_down("fig1_cifar10_vgg13.toml", dir);
  for (const auto& record : run.records) CHECK(record["training"]["trajectory"].size() == 3);  // steps 0, 1, 2
  CHECK(figures_named(run.report, "trajectory_gc") == 3);
  CHECK(figures_named(run.report, "trajectory_nc_cdnv") == 3);
}

TEST_CASE("The GC-regularisation suite runs cut down with the penalty on", "[paper]") {
  TempDir dir;
  const auto file = paper_suite("gc_regularisation_cifar10_vgg13.toml");
  auto overrides = cut_down(file, dir);
  overrides.push_back(gcbench::parse_override("sweep.\"training.gc_penalty\"=[1e-4]"));
  overrides.push_back(gcbench::parse_override("training.batch_size=32"));  // the suite's 256 exceeds the fixture
  const auto suite = gcbench::validate_suite(file, overrides, registry());
  const auto summary = gcbench::run_suite(suite, gcbench::plan_runs(suite), registry(), dir / "results");
  const auto records = gcbench::testing::as_json(summary.records);
  REQUIRE(records.size() == 1);
  INFO(records[0].value("error", ""));
  CHECK(records[0]["status"] == "ok");
  CHECK(records[0]["training"]["final_gc_penalty_estimate"].get<double>() > 0);
}

TEST_CASE("The Fig. 4 suite runs each variant cut down on CIFAR-FS fixtures", "[paper]") {
  TempDir dir;
  const auto run = run_cut_down("fig4_cifar_fs_resnet18.toml", dir);
  for (const auto& record : run.records) CHECK(record["metrics"]["target"]["fewshot"]["linear_probe"]["1"]["mean"].is_number());
  CHECK(figures_named(run.report, "gc_vs_target_nc") == 3);
  CHECK(run.planned == 45);
}

TEST_CASE("The mini-ImageNet transfer suites run each variant cut down, ResNet-18 and ResNet-12", "[paper]") {
  for (const auto* name : {"transfer_mini_imagenet_resnet18.toml", "transfer_mini_imagenet_resnet12.toml"}) {
    TempDir dir;
    const auto run = run_cut_down(name, dir);
    CHECK(run.records.size() == 3);
    // The fixture's own CSVs, not the shipped split: the record says which.
    for (const auto& record : run.records) {
      CHECK(record["data_sources"]["split"] == "root");
      CHECK(record["data_sources"]["train.csv"].get<std::string>().rfind("sha256:", 0) == 0);
    }
  }
}

TEST_CASE("The Section 4.2 suite runs each sampling axis cut down and plots estimator errors", "[paper]") {
  TempDir dir;
  const auto run = run_cut_down("sec42_sampled_gc_cifar10_vgg13.toml", dir);
  for (const auto& record : run.records) CHECK(record["metrics"]["source"]["gc"]["sampled"]["value"].is_number());
  CHECK(figures_named(run.report, "estimator_error") == 3);
}

TEST_CASE("The Section 4.2 suite trains one network per seed and measures it at every sampling fraction", "[paper]") {
  const auto suite = gcbench::validate_suite(paper_suite("sec42_sampled_gc_cifar10_vgg13.toml"), {}, registry());
  const auto runs = gcbench::plan_runs(suite);
  CHECK(runs.size() == 48);
  CHECK(gcbench::planned_trainings(runs) == 3);
}
