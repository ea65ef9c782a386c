// `gcbench bench --instructions`: each case's instructions counted under
// valgrind's callgrind, which repeat on one binary and input however busy the
// machine is. tiny_net's training step is small enough to count in seconds.
#include <c10/util/Logging.h>
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <cmath>
#include <map>

#include "support/fixtures.hpp"

using gcbench::testing::exit_code;
using gcbench::testing::gcbench_cli;
using gcbench::testing::quoted;
using gcbench::testing::TempDir;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Each build's cases counted into `file` (about half a minute under callgrind).
void count(const fs::path& file, const std::string& build) {
  const auto output = gcbench_cli(fmt::format("bench --instructions --plugin-path {} --filter '^train_step/tiny_net$' --json {}",
                                              quoted(gcbench::testing::test_plugin_dir(build)), quoted(file)));
  INFO(output);
  REQUIRE(exit_code(output) == 0);
}

// Each file counted once per test process, however often sections re-run the
// case: "first" and "second" (tiny_net twice: does a count repeat?) and
// "regressed" (tiny_net_regressed). One test case holds every check: callgrind
// takes 15-40 s to load LibTorch, and each test runs in a process of its own.
fs::path counted(const std::string& name) {
  static TempDir dir;
  static std::map<std::string, fs::path> files;
  if (const auto known = files.find(name); known != files.end()) return known->second;
  const auto file = dir / (name + ".json");
  count(file, name == "regressed" ? "tiny_net_regressed" : "tiny_net");
  return files[name] = file;
}

std::map<std::string, double> counts_of(const fs::path& file) {
  std::map<std::string, double> out;
  const auto bench = json::parse(gcbench::testing::read_text(file));  // named: a temporary's member would dangle in the loop
  for (const auto& row : bench["benchmarks"]) {
    if (row.contains("instructions")) out[row["run_name"].get<std::string>()] = row["instructions"].get<double>();
  }
  return out;
}

}  // namespace

TEST_CASE("bench --instructions counts each case's instructions, the same again to within 0.1%, for compare and history",
          "[bench][instructions]") {
  TempDir dir;
  const auto first = counts_of(counted("first"));
  const auto second = counts_of(counted("second"));
  REQUIRE(first.size() == 1);  // the step alone: counts need no calibration
  CHECK(first.count("train_step/tiny_net/real_time") == 1);
  for (const auto& [name, instructions] : first) {
    INFO(name);
    CHECK(instructions > 1e5);
    CHECK(std::abs(second.at(name) / instructions - 1) < 1e-3);
  }
  CHECK_FALSE(fs::exists(counted("first").string() + ".callgrind"));
  const auto compared = gcbench_cli(fmt::format("compare {} {}", quoted(counted("first")), quoted(counted("second"))));
  INFO(compared);
  CHECK(exit_code(compared) == 0);
  CHECK_THAT(compared, Catch::Contains("instruction counts (callgrind)") && Catch::Contains("callgrind Ir per iteration"));

  SECTION("a count grown past benchmark.instructions_relative is a regression, named") {
    auto grown = json::parse(gcbench::testing::read_text(counted("second")));
    for (auto& row : grown["benchmarks"]) {
      if (row["run_name"] == "train_step/tiny_net/real_time") row["instructions"] = row["instructions"].get<double>() * 1.02;
    }
    gcbench::testing::write_text(dir / "grown.json", grown.dump());
    const auto regressed = gcbench_cli(fmt::format("compare {} {}", quoted(counted("first")), quoted(dir / "grown.json")));
    INFO(regressed);
    CHECK(exit_code(regressed) == 1);
    CHECK_THAT(regressed, Catch::Contains("REGRESSION: train_step/tiny_net/real_time: instructions"));
  }
  SECTION("an instruction file and a timed one are not compared") {
    const auto timed = dir / "timed.json";
    REQUIRE(exit_code(gcbench_cli(fmt::format("bench --filter calibration --min-time 0.01 --json {}", quoted(timed)))) == 0);
    const auto refused = gcbench_cli(fmt::format("compare {} {}", quoted(counted("first")), quoted(timed)));
    INFO(refused);
    CHECK(exit_code(refused) == 2);
    CHECK_THAT(refused, Catch::Contains("counts instructions (bench --instructions) and"));
  }
  SECTION("history keeps each case's count as bench/<case>/instructions, and no times") {
    const auto db = dir / "history.sqlite";
    REQUIRE(exit_code(gcbench_cli(fmt::format("history add --db {} {}", quoted(db), quoted(counted("first"))))) == 0);
    const auto shown = gcbench_cli(fmt::format("history show --db {}", quoted(db)));
    INFO(shown);
    CHECK_THAT(shown, Catch::Contains("bench/train_step/tiny_net/instructions"));
    CHECK_THAT(shown, !Catch::Contains("bench/train_step/tiny_net/real_time"));
  }
  SECTION("the regressed tiny_net's extra multiply, a fraction of a percent, is seen, and its sleep is not") {
    // tiny_net_regressed masks its embedding (a few more instructions) and sleeps 20 ms (none).
    gcbench::testing::write_text(dir / "tight.toml", "[benchmark]\ninstructions_relative = 0.005\n");
    const auto tight = gcbench_cli(fmt::format("compare --thresholds {} {} {}", quoted(dir / "tight.toml"),
                                               quoted(counted("first")), quoted(counted("regressed"))));
    INFO(tight);
    CHECK(exit_code(tight) == 1);
    CHECK_THAT(tight, Catch::Contains("REGRESSION: train_step/tiny_net/real_time: instructions"));
    const auto plain = counts_of(counted("first")).at("train_step/tiny_net/real_time");
    const auto masked = counts_of(counted("regressed")).at("train_step/tiny_net/real_time");
    CHECK(masked / plain - 1 > 0.005);
    CHECK(masked / plain - 1 < 0.05);  // the sleep costs no instructions
  }
}
