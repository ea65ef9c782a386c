// gcbench compare end to end: real runs of a real suite on IDX fixtures, with
// the tiny_net test plugin built twice (its regressed build is slower and less
// accurate), as the nightly job runs it. Not timed: the regressions are large
// and deterministic by construction.
#include <c10/util/Logging.h>
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "record/machine_identity.hpp"
#include "record/results_folder.hpp"
#include "support/fixtures.hpp"

using gcbench::testing::TempDir;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

using gcbench::testing::exit_code;
using gcbench::testing::gcbench_cli;
using gcbench::testing::quoted;

// The latest results folder under ROOT/<suite>.
fs::path results_folder(const fs::path& root, const std::string& suite) {
  fs::path latest;
  for (const auto& entry : fs::directory_iterator(root / suite)) latest = std::max(latest, entry.path());
  return latest;
}

struct Runs {
  TempDir dir{"gcbench-compare"};
  fs::path baseline, same, regressed;
};

// The suite below run by one build of tiny_net into DIR/out; `set` e.g. "--set 'suite.seeds=[0,1,2,3,4]'".
fs::path run_suite(const Runs& r, const std::string& build, const std::string& out, const std::string& set = "") {
  const auto output = gcbench_cli(fmt::format("run {} --plugin-path {} --out {} {}", quoted(r.dir / "regression.toml"),
                                              quoted(gcbench::testing::test_plugin_dir(build)), quoted(r.dir / out), set));
  INFO(output);
  REQUIRE(exit_code(output) == 0);
  return results_folder(r.dir / out, "regression");
}

// Three runs of one suite: twice with tiny_net, once with its regressed build.
const Runs& runs() {
  static const Runs* made = [] {
    auto* r = new Runs;
    gcbench::testing::write_fashion_mnist_fixture(r->dir / "data", 40, 30);
    gcbench::testing::write_text(r->dir / "regression.toml", R"(
[suite]
seeds = [0, 1]
[dataset]
plugin = "fashion_mnist"
root = ")" + (r->dir / "data").string() + R"("
[architecture]
plugin = "tiny_net"
[training]
epochs = 2
batch_size = 16
lr = 0.05
[measure]
gc_estimators = ["exact"]
gc_samples = 16
[measure.fewshot]
ways = 5
shots = [5]
queries = 10
episodes = 100
classifiers = ["ncm"]
[runtime]
threads = 1
)");
    r->baseline = run_suite(*r, "tiny_net", "baseline");
    r->same = run_suite(*r, "tiny_net", "same");
    r->regressed = run_suite(*r, "tiny_net_regressed", "regressed");
    return r;
  }();
  return *made;
}

// A copy of a results folder whose runs.jsonl lines pass through `edit`.
fs::path edited_copy(const fs::path& folder, const fs::path& to, const std::function<std::string(std::size_t, json)>& edit) {
  fs::copy(folder, to, fs::copy_options::recursive);
  std::ifstream in(folder / "runs.jsonl");
  std::string text, line;
  for (std::size_t i = 0; std::getline(in, line); ++i) text += edit(i, json::parse(line));
  gcbench::testing::write_text(to / "runs.jsonl", text);
  return to;
}

}  // namespace

TEST_CASE("compare exits 0 on two runs of the same code", "[compare]") {
  const auto output = gcbench_cli(fmt::format("compare {} {}", quoted(runs().baseline), quoted(runs().same)));
  INFO(output);
  CHECK(exit_code(output) == 0);
  CHECK_THAT(output, Catch::Contains("0 regressed") && Catch::Contains("0 only in baseline, 0 only in contender"));
  CHECK_THAT(output, Catch::Contains("target.fewshot.ncm.5shot") && Catch::Contains("time.total") &&
                         Catch::Contains("one sample per side, so no test is possible"));
}

TEST_CASE("compare exits 1 naming the accuracy, its delta and the paired test's p-value when accuracy regresses", "[compare]") {
  const auto output = gcbench_cli(fmt::format("compare {} {}", quoted(runs().baseline), quoted(runs().regressed)));
  INFO(output);
  CHECK(exit_code(output) == 1);
  CHECK_THAT(
      output,
      Catch::Matches(
          R"([\s\S]*REGRESSION: 000 seed=0: target\.fewshot\.ncm\.5shot [0-9.]+ -> [0-9.]+ \(delta -[0-9.]+, -[0-9.]+%\), wilcoxon signed-rank p = [0-9.e-]+; mean diff -[\s\S]*)"));
}

TEST_CASE("compare --json gives each finding with its verdict, delta and p-value", "[compare]") {
  const auto output = gcbench_cli(fmt::format("compare --json {} {}", quoted(runs().baseline), quoted(runs().regressed)));
  REQUIRE(exit_code(output) == 1);
  const auto doc = json::parse(output.substr(output.find('\n') + 1));
  CHECK(doc["exit_code"] == 1);
  CHECK(doc["kind"] == "results");
  bool named = false;
  for (const auto& finding : doc["findings"]) {
    if (finding["metric"] == "target.fewshot.ncm.5shot" && finding["verdict"] == "REGRESSED") {
      named = true;
      CHECK(finding["p_value"].get<double>() < 0.05);
      CHECK(finding["delta"].get<double>() < -0.01);
      CHECK(finding["test"] == "wilcoxon signed-rank");
    }
  }
  CHECK(named);
}

TEST_CASE("compare names a run the contender planned but has no record of, and exits 1", "[compare]") {
  TempDir dir;
  const auto contender = edited_copy(runs().same, dir / "contender",
                                     [](std::size_t i, json record) { return i == 0 ? std::string() : record.dump() + "\n"; });
  const auto output = gcbench_cli(fmt::format("compare {} {}", quoted(runs().baseline), quoted(contender)));
  INFO(output);
  CHECK(exit_code(output) == 1);
  CHECK_THAT(output, Catch::Contains("REGRESSION: 000 seed=0: run") && Catch::Contains("no record of it"));
}

TEST_CASE("compare matches runs by their place in the plan when a newer gcbench added a key", "[compare]") {
  TempDir dir;
  const auto contender = edited_copy(runs().same, dir / "newer", [](std::size_t, json record) {
    record["config"]["measure"]["a_new_key"] = "its default";
    record["run_id"] = "newer-" + record["run_id"].get<std::string>();
    return record.dump() + "\n";
  });
  const auto output = gcbench_cli(fmt::format("compare {} {}", quoted(runs().baseline), quoted(contender)));
  INFO(output);
  CHECK(exit_code(output) == 0);
  CHECK_THAT(output, Catch::Contains("runs matched by their place in the plan") &&
                         Catch::Contains("measure.a_new_key (only in the contender)") && Catch::Contains("0 only in baseline"));
}

TEST_CASE("compare exits 2 with a message saying why when the inputs cannot be compared", "[compare]") {
  TempDir dir;
  const auto& base = runs().baseline;
  const auto thresholds = dir / "thresholds.toml";
  gcbench::testing::write_text(thresholds, "[accuracy]\nabsolut = 0.01\n");
  const auto other_suite = edited_copy(runs().same, dir / "other", [](std::size_t, json record) {
    record["suite"] = "another";
    return record.dump() + "\n";
  });
  const auto damaged = edited_copy(runs().same, dir / "damaged", [](std::size_t i, json record) {
    return i == 0 ? std::string("{\"not\": \"a record\"}\n") : record.dump() + "\n";
  });
  const auto newer = edited_copy(runs().same, dir / "newer", [](std::size_t, json record) {
    record["schema_version"] = 99;
    return record.dump() + "\n";
  });
  const auto other_config = edited_copy(runs().same, dir / "other_config", [](std::size_t, json record) {
    record["config"]["training"]["lr"] = 0.5;
    record["run_id"] = "changed-" + record["run_id"].get<std::string>();
    return record.dump() + "\n";
  });
  gcbench::testing::write_text(dir / "not_bench.json", "{\"runs\": []}");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {fmt::format("{} {}", quoted(base), quoted(dir / "missing")),
       "the contender " + (dir / "missing").string() + " does not exist"},
      {fmt::format("{} {}", quoted(base), quoted(other_suite)), "the folders hold other suites: baseline 'regression'"},
      {fmt::format("{} {}", quoted(base), quoted(damaged)), "damaged/runs.jsonl:1: record field"},
      {fmt::format("{} {}", quoted(base), quoted(other_config)),
       "has another config in the contender (suite 'regression'): it differs in\n  training.lr (0.05 vs 0.5)"},
      {fmt::format("{} {}", quoted(base), quoted(newer)), "record schema version 99 is newer than this gcbench reads"},
      {fmt::format("{} {}", quoted(base), quoted(dir / "not_bench.json")),
       "give two results folders, or two benchmark JSON files"},
      {fmt::format("{} {}", quoted(dir / "not_bench.json"), quoted(dir / "not_bench.json")), "is not Google Benchmark JSON"},
      {fmt::format("--thresholds {} {} {}", quoted(thresholds), quoted(base), quoted(runs().same)),
       "unknown key 'accuracy.absolut'"},
  };
  for (const auto& [arguments, message] : cases) {
    const auto output = gcbench_cli("compare " + arguments);
    INFO(output);
    CHECK(exit_code(output) == 2);
    CHECK_THAT(output, Catch::Contains("cannot compare: ") && Catch::Contains(message));
  }
}

TEST_CASE("compare refuses results from another machine identity unless told --across-machines, then judges over seeds",
          "[compare]") {
  TempDir dir;
  const auto elsewhere = [&](const fs::path& folder, const std::string& name) {
    return edited_copy(folder, dir / name, [](std::size_t, json record) {
      record["provenance"]["cpu_model"] = "Intel(R) Xeon(R) CPU @ 2.20GHz";
      record["provenance"]["hostname"] = "another-host";
      return record.dump() + "\n";
    });
  };
  // Five seeds a side: across machines the test is over seeds, and two cannot show a change.
  const std::string five_seeds = "--set 'suite.seeds=[0,1,2,3,4]'";
  const auto baseline = run_suite(runs(), "tiny_net", "baseline5", five_seeds);
  const auto same_code = elsewhere(run_suite(runs(), "tiny_net", "same5", five_seeds), "same");
  const auto refused = gcbench_cli(fmt::format("compare {} {}", quoted(baseline), quoted(same_code)));
  INFO(refused);
  CHECK(exit_code(refused) == 2);
  CHECK_THAT(refused, Catch::Contains("baselines from another machine: baseline") &&
                          Catch::Contains("Intel(R) Xeon(R) CPU @ 2.20GHz, 1 threads") && Catch::Contains("--across-machines"));

  const auto across = gcbench_cli(fmt::format("compare --across-machines {} {}", quoted(baseline), quoted(same_code)));
  INFO(across);
  CHECK(exit_code(across) == 0);
  CHECK_THAT(across, Catch::Contains("each metric is judged over its seeds at each variant and sweep point") &&
                         Catch::Contains("times compare machines and are not judged") &&
                         Catch::Contains("geometric means over 5 seeds") && Catch::Contains("welch t on log"));
  CHECK_THAT(across, !Catch::Contains("time.total"));

  const auto regressed = elsewhere(run_suite(runs(), "tiny_net_regressed", "regressed5", five_seeds), "regressed");
  const auto caught = gcbench_cli(fmt::format("compare --across-machines {} {}", quoted(baseline), quoted(regressed)));
  INFO(caught);
  CHECK(exit_code(caught) == 1);
  CHECK_THAT(caught, Catch::Contains("REGRESSION: ") && Catch::Contains("target.fewshot.ncm.5shot"));
}

TEST_CASE("compare refuses results of one CPU model whose instruction sets, math libraries or thread variables differ",
          "[compare]") {
  TempDir dir;
  const auto refused_for = [&](const std::string& name, const std::function<void(json&)>& edit) {
    const auto contender = edited_copy(runs().same, dir / name, [&](std::size_t, json record) {
      edit(record["provenance"]);
      return record.dump() + "\n";
    });
    const auto output = gcbench_cli(fmt::format("compare {} {}", quoted(runs().baseline), quoted(contender)));
    INFO(output);
    CHECK(exit_code(output) == 2);
    CHECK_THAT(output, Catch::Contains("baselines from another machine") && Catch::Contains("--across-machines"));
    return output;
  };
  SECTION("a CPU without AVX-512") {
    const auto output = refused_for("no_avx512", [](json& provenance) {
      std::string kept;
      std::istringstream words(provenance["cpu_isa"].get<std::string>());
      for (std::string word; words >> word;) {
        if (word.rfind("avx512", 0) != 0) kept += (kept.empty() ? "" : " ") + word;
      }
      provenance["cpu_isa"] = kept + " avx9_test";
    });
    CHECK_THAT(output, Catch::Contains("instruction sets: only the baseline's CPU has [") &&
                           Catch::Contains("]; only the contender's, [avx9_test]"));
  }
  SECTION("another BLAS under the same LibTorch") {
    const auto output = refused_for(
        "reference_blas", [](json& provenance) { provenance["math_libraries"] = {"libblas.so.3 sha256:0123456789abcdef"}; });
    CHECK_THAT(output, Catch::Contains("math libraries: baseline lib") &&
                           Catch::Contains("contender libblas.so.3 sha256:0123456789abcdef"));
  }
  SECTION("OPENBLAS_NUM_THREADS set") {
    const auto output =
        refused_for("blas_threads", [](json& provenance) { provenance["thread_environment"] = {"OPENBLAS_NUM_THREADS=1"}; });
    CHECK_THAT(output, Catch::Contains("thread variables: baseline ") && Catch::Contains("contender OPENBLAS_NUM_THREADS=1"));
  }
}

TEST_CASE("compare judges as one machine a baseline whose older records do not say their instruction sets, and says so",
          "[compare]") {
  TempDir dir;
  // As gcbench 0.x before record schema 8 wrote them: the nightly's baseline revision is such a gcbench.
  const auto schema_7 = edited_copy(runs().baseline, dir / "schema7", [](std::size_t, json record) {
    for (const char* field : {"cpu_isa", "math_libraries", "thread_environment"}) record["provenance"].erase(field);
    record["schema_version"] = 7;
    return record.dump() + "\n";
  });
  const auto output = gcbench_cli(fmt::format("compare {} {}", quoted(schema_7), quoted(runs().same)));
  INFO(output);
  CHECK(exit_code(output) == 0);
  CHECK_THAT(output, Catch::Contains("do not say their instruction sets, math libraries, thread variables: judged as one "
                                     "machine on what both say"));
  CHECK_THAT(output, !Catch::Contains("across machines"));
}

TEST_CASE("gcbench machine prints the identity a run's record carries, which compare tells machines apart by", "[compare]") {
  const auto records = gcbench::ResultsFolder::open(runs().baseline).read_records();
  REQUIRE(records.problems.empty());
  const auto recorded = gcbench::to_json(gcbench::machine_identity(records.records.front().provenance));
  const auto output = gcbench_cli("machine --json --threads 1");  // the suite's runtime.threads
  INFO(output);
  REQUIRE(exit_code(output) == 0);
  const auto printed = json::parse(output.substr(output.find('{'), output.rfind('}') - output.find('{') + 1));
  CHECK(printed == recorded);
  CHECK_FALSE(printed["cpu_isa"].get<std::string>().empty());
  CHECK(printed["math_libraries"].is_array());

  const auto text = gcbench_cli("machine --threads 1");
  CHECK_THAT(text, Catch::Contains(gcbench::describe(gcbench::machine_identity(records.records.front().provenance))) &&
                       Catch::Contains("instruction sets: ") && Catch::Contains("math libraries: "));
  const auto refused = gcbench_cli("machine --device 'cuda:x'");
  CHECK(exit_code(refused) == 2);
  CHECK_THAT(refused, Catch::Contains("gcbench machine: --device: "));
}

TEST_CASE("compare exits 1 naming the benchmark a slowed plugin slows, and 0 on one file twice", "[compare][bench]") {
  TempDir dir;
  const auto bench = [&](const std::string& build) {
    const auto file = dir / (build + ".json");
    const auto output = gcbench_cli(fmt::format(
        "bench --plugin-path {} --filter '^train_step/tiny_net$' --repetitions 5 --min-time 0.01 --threads 1 --json {}",
        quoted(gcbench::testing::test_plugin_dir(build)), quoted(file)));
    INFO(output);
    REQUIRE(exit_code(output) == 0);
    return file;
  };
  const auto fast = bench("tiny_net"), slow = bench("tiny_net_regressed");
  const auto context = json::parse(gcbench::testing::read_text(fast))["context"];
  for (const char* key : {"git_revision", "git_dirty", "cpu_model", "cores", "threads", "libtorch_version", "blas", "compiler",
                          "plugin.architecture.tiny_net"}) {
    INFO(key);
    CHECK(context.contains(key));
  }
  // The filter chose one case; the calibration comes with every file, and is reported, never judged.
  std::set<std::string> names;
  const auto written = json::parse(gcbench::testing::read_text(fast));
  for (const auto& entry : written["benchmarks"]) names.insert(entry["run_name"].get<std::string>());
  CHECK(names == std::set<std::string>{"train_step/tiny_net/real_time", "calibration/gemm_512/real_time",
                                       "calibration/conv3x3_64/real_time"});
  const auto regressed = gcbench_cli(fmt::format("compare {} {}", quoted(fast), quoted(slow)));
  INFO(regressed);
  CHECK(exit_code(regressed) == 1);
  CHECK_THAT(regressed, Catch::Contains("REGRESSION: train_step/tiny_net/real_time: real_time (s)") &&
                            Catch::Contains("mann-whitney u p = 0.00794"));
  CHECK_THAT(regressed, Catch::Contains("calibration (LibTorch's GEMM and convolution alone): the contender's session ran") &&
                            Catch::Contains("calibration: measures the machine, never judged"));
  CHECK(exit_code(gcbench_cli(fmt::format("compare {} {}", quoted(fast), quoted(fast)))) == 0);
}

TEST_CASE("An interrupted bench leaves no file under the name it was given", "[compare][bench]") {
  TempDir dir;
  const auto file = dir / "bench.json";
  // Killed while its first case runs: Google Benchmark has written the context and nothing else.
  const auto output = gcbench::testing::run_command(
      fmt::format("timeout -s KILL 5 {} bench --filter '^nc/' --min-time 60 --repetitions 3 --json {}",
                  quoted(gcbench::testing::gcbench_executable()), quoted(file)));
  INFO(output);
  CHECK(exit_code(output) == 137);
  CHECK_FALSE(fs::exists(file));
  CHECK(fs::exists(dir / "bench.json.partial"));
}

TEST_CASE("bench --filter calibration runs the calibration cases alone", "[compare][bench]") {
  TempDir dir;
  const auto file = dir / "calibration.json";
  const auto output =
      gcbench_cli(fmt::format("bench --filter calibration --repetitions 1 --min-time 0.01 --json {}", quoted(file)));
  INFO(output);
  REQUIRE(exit_code(output) == 0);
  const auto written = json::parse(gcbench::testing::read_text(file));
  std::set<std::string> names;
  for (const auto& entry : written["benchmarks"]) names.insert(entry["run_name"].get<std::string>());
  CHECK(names == std::set<std::string>{"calibration/gemm_512/real_time", "calibration/conv3x3_64/real_time"});
}

TEST_CASE("bench --filter takes a case by the name its output prints, /real_time included", "[compare][bench]") {
  TempDir dir;
  const auto run = [&](const std::string& filter) {
    const auto file = dir / "bench.json";
    const auto output = gcbench_cli(fmt::format("bench --plugin-path {} --filter {} --min-time 0.01 --threads 1 --json {}",
                                                quoted(gcbench::testing::test_plugin_dir("tiny_net")),
                                                gcbench::testing::quoted(filter), quoted(file)));
    INFO(output);
    REQUIRE(exit_code(output) == 0);
    const auto written = json::parse(gcbench::testing::read_text(file));
    std::set<std::string> names;
    for (const auto& entry : written["benchmarks"]) {
      const auto name = entry["run_name"].get<std::string>();
      if (name.rfind("calibration/", 0) != 0) names.insert(name);
    }
    return names;
  };
  SECTION("as printed") {
    CHECK(run("^train_step/tiny_net/real_time$") == std::set<std::string>{"train_step/tiny_net/real_time"});
  }
  SECTION("its name alone") { CHECK(run("^train_step/tiny_net$") == std::set<std::string>{"train_step/tiny_net/real_time"}); }
  SECTION("a prefix ending in a slash") {
    CHECK(run("^train_step/tiny_net/") == std::set<std::string>{"train_step/tiny_net/real_time"});
  }
}
