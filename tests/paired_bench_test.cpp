// `gcbench bench --against OTHER`: baseline and contender in one session, round
// by round, each in its own process, into one paired file that `gcbench
// compare FILE` judges on the rounds' ratios. The tiny_net test plugin, built
// twice (its regressed build sleeps in every forward), is "the code" that
// changed; both sides are this gcbench, each with its own plugin folder.
#include <c10/util/Logging.h>
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "record/run_record.hpp"
#include "support/fixtures.hpp"

using gcbench::testing::exit_code;
using gcbench::testing::gcbench_cli;
using gcbench::testing::quoted;
using gcbench::testing::TempDir;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// A paired bench of train_step/tiny_net: the baseline with `baseline_build`, the contender with `contender_build`.
std::string paired_bench(const fs::path& file, const std::string& baseline_build, const std::string& contender_build,
                         int rounds = 6) {
  return gcbench_cli(
      fmt::format("bench --against {} --against-plugin-path {} --plugin-path {} --filter '^train_step/tiny_net$' --rounds {} "
                  "--min-time 0.01 --threads 1 --json {}",
                  quoted(gcbench::testing::gcbench_executable()), quoted(gcbench::testing::test_plugin_dir(baseline_build)),
                  quoted(gcbench::testing::test_plugin_dir(contender_build)), rounds, quoted(file)));
}

// A stand-in for another program at `file`: a shell script that prints `answer` to `version --json`.
fs::path fake_gcbench(const fs::path& file, const std::string& answer) {
  gcbench::testing::write_text(file, "#!/bin/sh\ncat <<'EOF'\n" + answer + "\nEOF\n");
  fs::permissions(file, fs::perms::owner_all);
  return file;
}

}  // namespace

TEST_CASE("gcbench version --json says what bench --against asks of the other side", "[bench][paired]") {
  const auto output = gcbench_cli("version --json");
  INFO(output);
  REQUIRE(exit_code(output) == 0);
  const auto identity = json::parse(output.substr(output.find('{')));
  CHECK(identity["program"] == "gcbench");
  CHECK(identity["record_schema"] == gcbench::kRunRecordSchemaVersion);
  for (const char* key : {"gcbench_version", "git_revision", "paired_bench_format", "plugin_abi", "libtorch_version"}) {
    INFO(key);
    CHECK(identity.contains(key));
  }
}

TEST_CASE("bench --against keeps each round's pair, the first side alternating, and compare flags the slowed side",
          "[bench][paired]") {
  TempDir dir;
  const auto file = dir / "paired.json";
  const auto output = paired_bench(file, "tiny_net", "tiny_net_regressed");
  INFO(output);
  REQUIRE(exit_code(output) == 0);
  CHECK_THAT(output, Catch::Contains("round 6/6 (contender first)"));
  CHECK_FALSE(fs::exists(dir / "paired.json.rounds"));

  const auto written = json::parse(gcbench::testing::read_text(file));
  const auto& paired = written["gcbench_paired"];
  CHECK(paired["first"] == json::array({"baseline", "contender", "baseline", "contender", "baseline", "contender"}));
  CHECK(paired["baseline"]["context"]["plugin.architecture.tiny_net"] != written["context"]["plugin.architecture.tiny_net"]);
  for (const auto* rows : {&written["benchmarks"], &paired["baseline"]["benchmarks"]}) {
    std::set<int> rounds;
    for (const auto& row : *rows) {
      if (row["run_name"] == "train_step/tiny_net/real_time") rounds.insert(row["repetition_index"].get<int>());
    }
    CHECK(rounds == std::set<int>{0, 1, 2, 3, 4, 5});
  }

  const auto compared = gcbench_cli("compare " + quoted(file));
  INFO(compared);
  CHECK(exit_code(compared) == 1);
  CHECK_THAT(compared, Catch::Contains("REGRESSION: train_step/tiny_net/real_time: real_time ratio") &&
                           Catch::Contains("over 6 rounds") && Catch::Contains("ABBA"));
  CHECK_THAT(compared, Catch::Contains("calibration: the same kernels on both sides"));

  SECTION("compare --json gives each case's ratio and its interval as numbers, the verdict's grounds") {
    const auto as_json = gcbench_cli("compare --json " + quoted(file));
    REQUIRE(exit_code(as_json) == 1);
    const auto doc = json::parse(as_json.substr(as_json.find('\n') + 1));
    bool found = false;
    for (const auto& finding : doc["findings"]) {
      if (finding["subject"] != "train_step/tiny_net/real_time") continue;
      found = true;
      CHECK(finding["verdict"] == "REGRESSED");
      const auto& ratio = finding["ratio"];
      CHECK(ratio["low"].get<double>() > 1.0);
      CHECK(ratio["low"].get<double>() <= ratio["estimate"].get<double>());
      CHECK(ratio["estimate"].get<double>() <= ratio["high"].get<double>());
      CHECK_THAT(finding["note"].get<std::string>(), Catch::Contains(fmt::format("{:.4f}", ratio["estimate"].get<double>())));
    }
    CHECK(found);
  }
  SECTION("the other way round, the contender is the faster: improved, no regression") {
    const auto reversed = dir / "reversed.json";
    REQUIRE(exit_code(paired_bench(reversed, "tiny_net_regressed", "tiny_net")) == 0);
    const auto improved = gcbench_cli("compare " + quoted(reversed));
    INFO(improved);
    CHECK(exit_code(improved) == 0);
    CHECK_THAT(improved, Catch::Contains("1 improved"));
  }
  SECTION("history and the two-file compare read a paired file as the contender's bench") {
    const auto history = gcbench_cli(fmt::format("history add --db {} {}", quoted(dir / "h.sqlite"), quoted(file)));
    INFO(history);
    CHECK(exit_code(history) == 0);
    CHECK(exit_code(gcbench_cli(fmt::format("compare {} {}", quoted(file), quoted(file)))) == 0);
  }
}

TEST_CASE("bench --against refuses, before anything runs, another that is not a gcbench it can be paired with",
          "[bench][paired]") {
  TempDir dir;
  const auto identity = json::parse(gcbench_cli("version --json").substr(gcbench_cli("version --json").find('{')));
  const auto answer_with = [&](const char* key, const json& value) {
    auto changed = identity;
    changed[key] = value;
    return changed.dump();
  };
  const std::vector<std::pair<fs::path, std::string>> cases = {
      {dir / "absent", "no such file"},
      {dir.path(), "a folder; give the gcbench executable"},
      {"/bin/true", "no JSON object; it is not gcbench"},
      {fake_gcbench(dir / "python", R"({"program": "python"})"), "no \"program\": \"gcbench\""},
      {fake_gcbench(dir / "other_torch", answer_with("libtorch_version", "0.4.1")),
       "its libtorch_version is 0.4.1, this gcbench's " + identity["libtorch_version"].get<std::string>()},
      {fake_gcbench(dir / "newer_schema", answer_with("record_schema", 99)), "its record_schema is 99, newer than this"},
  };
  for (const auto& [other, message] : cases) {
    const auto file = dir / "paired.json";
    const auto output =
        gcbench_cli(fmt::format("bench --against {} --filter calibration --json {}", quoted(other), quoted(file)));
    INFO(output);
    CHECK(exit_code(output) == 2);
    CHECK_THAT(output, Catch::Contains("--against " + other.string()) && Catch::Contains(message));
    CHECK_FALSE(fs::exists(file));
  }
}

TEST_CASE("compare of one file takes only a paired file, and refuses one of a newer format or with rounds missing",
          "[bench][paired]") {
  TempDir dir;
  const auto file = dir / "paired.json";
  REQUIRE(exit_code(paired_bench(file, "tiny_net", "tiny_net", 2)) == 0);
  const auto few = gcbench_cli("compare " + quoted(file));
  INFO(few);
  CHECK_THAT(few, Catch::Contains("2 rounds cannot give a 95% interval") && Catch::Contains("(the interval covers 50.0%)"));

  auto written = json::parse(gcbench::testing::read_text(file));
  auto newer = written;
  newer["gcbench_paired"]["format"] = 99;
  gcbench::testing::write_text(dir / "newer.json", newer.dump());
  auto short_one = written;
  short_one["gcbench_paired"]["first"].push_back("baseline");
  gcbench::testing::write_text(dir / "short.json", short_one.dump());
  written.erase("gcbench_paired");
  gcbench::testing::write_text(dir / "unpaired.json", written.dump());
  const std::vector<std::pair<fs::path, std::string>> cases = {
      {dir / "newer.json", "is a paired bench file of format 99, newer than this gcbench reads"},
      {dir / "short.json", "has 3 rounds, but 'calibration/"},
      {dir / "unpaired.json", "alone: give a paired bench file"},
      {dir.path(), "alone: give a paired bench file"},
  };
  for (const auto& [input, message] : cases) {
    const auto output = gcbench_cli("compare " + quoted(input));
    INFO(output);
    CHECK(exit_code(output) == 2);
    CHECK_THAT(output, Catch::Contains(message));
  }
}

TEST_CASE("bench --nightly leaves out the slow cases whose code a kept case runs, on both sides of --against",
          "[bench][paired]") {
  const auto listed = gcbench_cli("bench --list --nightly");
  INFO(listed);
  REQUIRE(exit_code(listed) == 0);
  for (const char* kept : {"train_step/conv4", "train_step_gc_penalty/conv4", "gc/exact/conv4", "gc/sampled/mlp",
                           "gc/hutchinson/resnet18", "nc/100k_x_512", "calibration/gemm_512"}) {
    CHECK_THAT(listed, Catch::Contains(std::string(kept) + "/"));  // "/min_time:1.000/real_time" for the targets
  }
  for (const char* left_out : {"gc/exact/resnet18", "gc/sampled/resnet18", "gc/sampled/conv4", "gc/hutchinson/resnet12",
                               "gc/exact/vgg13", "train_step_gc_penalty/resnet18", "measure/conv4"}) {
    CHECK_THAT(listed, !Catch::Contains(std::string(left_out) + "/real_time"));
  }

  TempDir dir;
  const auto file = dir / "paired.json";
  const auto output = gcbench_cli(fmt::format(
      "bench --against {} --plugin-path {} --against-plugin-path {} --nightly --filter '^(train_step/tiny_net|measure/conv4)$' "
      "--rounds 2 --min-time 0.01 --threads 1 --json {}",
      quoted(gcbench::testing::gcbench_executable()), quoted(gcbench::testing::test_plugin_dir("tiny_net")),
      quoted(gcbench::testing::test_plugin_dir("tiny_net")), quoted(file)));
  INFO(output);
  REQUIRE(exit_code(output) == 0);
  const auto written = json::parse(gcbench::testing::read_text(file));
  for (const auto* rows : {&written["benchmarks"], &written["gcbench_paired"]["baseline"]["benchmarks"]}) {
    std::set<std::string> names;
    for (const auto& row : *rows) names.insert(row["run_name"].get<std::string>());
    CHECK(names.count("train_step/tiny_net/real_time") == 1);
    CHECK(names.count("measure/conv4/real_time") == 0);
  }
}

TEST_CASE("The nightly's speed targets run at least a second a repetition after 0.2 s of warm-up, under their own names",
          "[bench]") {
  TempDir dir;
  const auto file = dir / "bench.json";
  const auto output = gcbench_cli(
      fmt::format("bench --filter '^(train_step/conv4|train_step/mlp)$' --min-time 0.05 --threads 1 --json {}", quoted(file)));
  INFO(output);
  REQUIRE(exit_code(output) == 0);
  // The console names a case's own floors (Google Benchmark registered them); the file does not.
  CHECK_THAT(output, Catch::Contains("train_step/conv4/min_time:1.000/min_warmup_time:0.200/real_time"));
  CHECK_THAT(output, Catch::Contains("train_step/mlp/real_time"));
  std::map<std::string, double> seconds;
  const auto written = json::parse(gcbench::testing::read_text(file));
  for (const auto& row : written["benchmarks"]) {
    CHECK_THAT(row["name"].get<std::string>(), !Catch::Contains("min_time") && !Catch::Contains("min_warmup_time"));
    seconds[row["run_name"].get<std::string>()] = row["iterations"].get<double>() * row["real_time"].get<double>() / 1000;
  }
  REQUIRE(seconds.count("train_step/conv4/real_time") == 1);
  CHECK(seconds["train_step/conv4/real_time"] >= 1.0);
  CHECK(seconds["train_step/mlp/real_time"] < 1.0);  // --min-time's 0.05 s, with Google Benchmark's overshoot
}
