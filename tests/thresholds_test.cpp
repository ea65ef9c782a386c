// compare's thresholds file: a case's own paired threshold by a regex on its name.
#include <catch2/catch.hpp>

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
                          Catch::Contains("'benchmark.paired_relative_for.\"(unclosed\"': not a regular expression"));
  }
  SECTION("not a number") {
    CHECK_THROWS_WITH(read(dir, "[benchmark.paired_relative_for]\n\"^nc/\" = \"tight\"\n"),
                      Catch::Contains("'benchmark.paired_relative_for.\"^nc/\"' must be a number"));
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
