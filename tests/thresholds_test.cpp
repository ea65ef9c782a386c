// compare's thresholds file: a case's own paired threshold by a regex on its name.
#include <catch2/catch.hpp>

#include <regex>
#include <set>
#include <sstream>

#include "compare/thresholds.hpp"
#include "support/fixtures.hpp"

using gcbench::testing::TempDir;

namespace {

gcbench::Thresholds read(const TempDir& dir, const std::string& text) {
  const auto file = dir / "thresholds.toml";
  gcbench::testing::write_text(file, text);
  return gcbench::read_thresholds(file);
}

}  // namespace

TEST_CASE("A paired case takes the smallest threshold of the patterns that match its name, else paired_relative", "[compare]") {
  TempDir dir;
  const auto t = read(dir, R"([benchmark]
paired_relative = 0.02
[benchmark.paired_relative_for]
"^train_step/conv4/" = 0.005
"^train_step/" = 0.01
)");
  CHECK(t.paired_relative_of("train_step/conv4/real_time") == 0.005);
  CHECK(t.paired_relative_of("train_step/mlp/real_time") == 0.01);
  CHECK(t.paired_relative_of("gc/exact/mlp/real_time") == 0.02);
  CHECK(gcbench::Thresholds{}.paired_relative_of("train_step/conv4/real_time") ==
        gcbench::Thresholds{}.benchmark_paired_relative);
}

TEST_CASE("A paired threshold pattern that is not a regex, or a threshold not a number, is refused naming the key", "[compare]") {
  TempDir dir;
  SECTION("not a regular expression") {
    CHECK_THROWS_WITH(read(dir, "[benchmark.paired_relative_for]\n\"(unclosed\" = 0.01\n"),
                      Catch::Contains("thresholds.toml") &&
                          Catch::Contains("'benchmark.paired_relative_for.\"(unclosed\"': not a regular expression") &&
                          Catch::Contains("ECMAScript"));
  }
  SECTION("not a number") {
    CHECK_THROWS_WITH(read(dir, "[benchmark.paired_relative_for]\n\"^nc/\" = \"tight\"\n"),
                      Catch::Contains("'benchmark.paired_relative_for.\"^nc/\"' must be a number"));
  }
  SECTION("a number where the table of patterns belongs") {
    CHECK_THROWS_WITH(read(dir, "[benchmark]\npaired_relative_for = 0.01\n"),
                      Catch::Contains("'benchmark.paired_relative_for' must be a table of case-name patterns") &&
                          Catch::Contains("\"^train_step/conv4$\" = 0.005"));
  }
  SECTION("out of range") {
    CHECK_THROWS_WITH(read(dir, "[benchmark.paired_relative_for]\n\"^nc/\" = -0.01\n"), Catch::Contains("is out of range"));
  }
}

TEST_CASE("The nightly's thresholds hold its two speed targets to 0.5% and its other paired cases to 2%", "[compare]") {
  const auto t = gcbench::read_thresholds(gcbench::testing::source_dir() / "suites" / "nightly.thresholds.toml");
  CHECK(t.paired_relative_of("train_step/conv4/real_time") == 0.005);
  CHECK(t.paired_relative_of("gc/hutchinson/conv4/real_time") == 0.005);
  CHECK(t.paired_relative_of("train_step/conv4_wide/real_time") == 0.02);  // a plugin's name that begins alike
  CHECK(t.paired_relative_of("gc/exact/mlp/real_time") == 0.02);
  CHECK(t.paired_relative_of("small/train_step/conv4/batch8/real_time") == 0.02);
}

TEST_CASE("The nightly's thresholds hold to 0.5% exactly the cases bench runs as speed targets", "[compare][bench]") {
  // The targets are declared by bench (their 1 s floor shows in --list's names) and
  // given their threshold by the thresholds file: this keeps the two in step.
  const auto listed = gcbench::testing::gcbench_cli("bench --nightly --list");
  INFO(listed);
  REQUIRE(gcbench::testing::exit_code(listed) == 0);
  const auto t = gcbench::read_thresholds(gcbench::testing::source_dir() / "suites" / "nightly.thresholds.toml");
  const std::regex floors("/min_(warmup_)?time:[0-9.]+");
  std::set<std::string> targets, tight;
  std::istringstream lines(listed);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("/real_time") == std::string::npos || line.rfind("left out", 0) == 0) continue;
    const std::string name = std::regex_replace(line, floors, "");  // as the JSON names it
    if (line.find("/min_time:") != std::string::npos) targets.insert(name);
    if (t.paired_relative_of(name) < t.benchmark_paired_relative) tight.insert(name);
  }
  CHECK(targets == std::set<std::string>{"train_step/conv4/real_time", "gc/hutchinson/conv4/real_time"});
  CHECK(tight == targets);
}
