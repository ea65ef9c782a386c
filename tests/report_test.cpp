// `gcbench report`: rank correlations, the verdicts against the paper's claims,
// and the report files written from a real suite's records.
// LibTorch defines glog's CHECK; included first, Catch's CHECK replaces it.
#include <c10/util/Logging.h>
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <regex>

#include "report/report.hpp"
#include "stats/correlation.hpp"
#include "support/fixtures.hpp"

using gcbench::testing::read_text;
using gcbench::testing::TempDir;
namespace fs = std::filesystem;

namespace {

// Data markers gnuplot drew: <use> elements outside the marker definitions.
std::size_t markers_in(const std::string& svg) {
  const auto defs_end = svg.find("</defs>");
  const std::string body = defs_end == std::string::npos ? svg : svg.substr(defs_end);
  std::size_t count = 0;
  for (auto at = body.find("<use"); at != std::string::npos; at = body.find("<use", at + 1)) ++count;
  return count;
}

// Three learning rates on the Fashion-MNIST fixture, with trajectories, run by the CLI.
fs::path run_small_suite(const TempDir& dir) {
  gcbench::testing::write_fashion_mnist_fixture(dir / "data", 30, 20);
  gcbench::testing::write_text(dir / "small.toml", fmt::format(R"(
[suite]
name = "small"
seeds = [0]
[dataset]
plugin = "fashion_mnist"
root = "{}"
[architecture]
plugin = "conv4"
[architecture.options]
width = 8
embedding_dim = 16
[training]
epochs = 1
batch_size = 16
trajectory_every = 4
trajectory_gc_samples = 4
trajectory_nc_samples = 20
[measure]
gc_samples = 8
gc_estimators = ["exact", "hutchinson"]
[measure.fewshot]
shots = [1, 5]
queries = 5
episodes = 10
[runtime]
threads = 1
[sweep]
"training.lr" = [0.01, 0.05, 0.2]
)",
                                                               (dir / "data").string()));
  const auto output =
      gcbench::testing::run_command(fmt::format("{} run {} --out {}", gcbench::testing::gcbench_executable().string(),
                                                (dir / "small.toml").string(), (dir / "results").string()));
  INFO(output);
  REQUIRE(output.rfind("0\n", 0) == 0);
  return dir / "results" / "small";
}

}  // namespace

TEST_CASE("Spearman's rho matches hand-computed values", "[report]") {
  SECTION("a monotone relation is +1 or -1") {
    CHECK(gcbench::spearman({1, 2, 3, 4}, {10, 20, 30, 1000}).rho == Approx(1.0));
    CHECK(gcbench::spearman({1, 2, 3, 4}, {4, 3, 2, 1}).rho == Approx(-1.0));
  }
  SECTION("1 - 6 sum d^2 / (n (n^2 - 1)) without ties") {
    const auto c = gcbench::spearman({1, 2, 3, 4, 5}, {2, 1, 4, 3, 5});
    CHECK(c.rho == Approx(0.8));
    CHECK(c.n == 5);
  }
  SECTION("up to 10 runs the p-value counts every ordering") {
    // rho >= 0.8 needs sum d^2 <= 4: the identity, 4 adjacent swaps, 3 pairs of disjoint
    // adjacent swaps; as many again for rho <= -0.8; 16 of 5! = 120.
    CHECK(gcbench::spearman({1, 2, 3, 4, 5}, {2, 1, 4, 3, 5}).p_value == Approx(16.0 / 120));
    CHECK(gcbench::spearman({1, 2, 3, 4}, {10, 20, 30, 1000}).p_value == Approx(2.0 / 24));
  }
  SECTION("beyond 10 runs the p-value is the t approximation with n - 2 degrees of freedom") {
    const auto c = gcbench::spearman({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, {7, 3, 11, 2, 8, 1, 12, 6, 4, 10, 9, 5});
    CHECK(c.rho == Approx(1 - 6.0 * 246 / (12 * 143)));
    CHECK(c.p_value == Approx(0.664633).margin(1e-5));  // t = 0.4467, regularised incomplete beta I_{10/(10+t^2)}(5, 1/2)
  }
  SECTION("ties share their average rank") { CHECK(gcbench::average_ranks({5, 1, 5, 3}) == std::vector<double>{3.5, 1, 3.5, 2}); }
  SECTION("too few runs or a constant measurement give no correlation") {
    CHECK(std::isnan(gcbench::spearman({1, 2}, {3, 4}).rho));
    CHECK(std::isnan(gcbench::spearman({1, 2, 3}, {7, 7, 7}).rho));
  }
}

TEST_CASE("A correlation's verdict says whether it has the paper's sign and is significant", "[report]") {
  CHECK_THAT(gcbench::verdict({0.9, 0.001, 10}, +1), Catch::StartsWith("matches the paper (p = 0.001)"));
  CHECK_THAT(gcbench::verdict({0.3, 0.4, 10}, +1), Catch::StartsWith("matches the paper's sign, not significant"));
  CHECK_THAT(gcbench::verdict({0.9, 0.001, 10}, -1), Catch::StartsWith("opposite to the paper (p = 0.001)"));
  CHECK_THAT(gcbench::verdict({NAN, NAN, 2}, -1), Catch::StartsWith("not measurable (2 runs"));
}

TEST_CASE("Only a verdict whose test or interval excludes 0 is drawn in a colour", "[report]") {
  using gcbench::Evidence;
  SECTION("a rank correlation") {
    CHECK(gcbench::evidence(gcbench::Correlation{0.9, 0.001, 10}, +1) == Evidence::papers_sign);
    CHECK(gcbench::evidence(gcbench::Correlation{0.9, 0.001, 10}, -1) == Evidence::opposite_sign);
    CHECK(gcbench::evidence(gcbench::Correlation{0.02, 0.95, 10}, +1) == Evidence::none);  // the paper's sign, p = 0.95
    CHECK(gcbench::evidence(gcbench::Correlation{-0.3, 0.4, 10}, +1) == Evidence::none);
    CHECK(gcbench::evidence(gcbench::Correlation{NAN, NAN, 2}, +1) == Evidence::none);
  }
  SECTION("a pooled within-split interval") {
    gcbench::PooledCorrelation covers;
    covers.rho = 0.41, covers.low = -0.04, covers.high = 0.72;
    CHECK(gcbench::evidence(covers, +1) == Evidence::none);
    gcbench::PooledCorrelation excludes;
    excludes.rho = 0.52, excludes.low = 0.10, excludes.high = 0.81;
    CHECK(gcbench::evidence(excludes, +1) == Evidence::papers_sign);
    CHECK(gcbench::evidence(excludes, -1) == Evidence::opposite_sign);
  }
  CHECK(std::string(gcbench::evidence_class(Evidence::none)).empty());
}

TEST_CASE("gcbench report writes tables, correlations and plots with data from a suite's records", "[report]") {
  TempDir dir;
  const auto results = run_small_suite(dir);
  const auto output = gcbench::testing::run_command(
      fmt::format("{} report {}", gcbench::testing::gcbench_executable().string(), results.string()));
  INFO(output);
  REQUIRE(output.rfind("0\n", 0) == 0);
  CHECK_THAT(output, Catch::Contains("training.lr: Spearman(source GC, target NC) = ") && Catch::Contains("over 3 runs"));

  fs::path folder;
  for (const auto& entry : fs::directory_iterator(results)) folder = entry.path();
  CHECK_THAT(output, Catch::Contains("wrote " + (folder / "report.md").string()));
  const auto markdown = read_text(folder / "report.md");
  CHECK_THAT(markdown, Catch::Contains("| training.lr | seed | status | GC exact | GC hutchinson |"));
  for (const char* lr : {"| 0.01 |", "| 0.05 |", "| 0.2 |"}) CHECK_THAT(markdown, Catch::Contains(lr));
  CHECK_THAT(markdown, Catch::Contains("| `training.lr` | 3 |"));
  CHECK_THAT(markdown, Catch::Contains("![Source GC vs target NC](plots/gc_vs_target_nc.svg)"));

  const auto html = read_text(folder / "report.html");
  SECTION("the page needs nothing from outside itself") {
    CHECK_FALSE(std::regex_search(html, std::regex(R"((src|href)=["']?https?:)")));
    CHECK(html.find("<link") == std::string::npos);
    CHECK(html.find("<img") == std::string::npos);
  }
  SECTION("every figure is drawn, with a marker per run or trajectory point") {
    // Trajectories: steps 0, 4, 8 and the last of each run, at least.
    const std::vector<std::pair<std::string, std::size_t>> expected = {{"gc_vs_target_nc", 3},
                                                                       {"target_nc_vs_accuracy", 3},
                                                                       {"trajectory_gc", 9},
                                                                       {"trajectory_nc_cdnv", 9},
                                                                       {"estimator_error", 3}};
    for (const auto& [name, points] : expected) {
      INFO(name);
      const auto svg = read_text(folder / "plots" / (name + ".svg"));
      CHECK(markers_in(svg) >= points);
      CHECK(fs::exists(folder / "plots" / (name + ".gp")));  // the script, to redraw or restyle
    }
    CHECK_THAT(html, Catch::Contains("data-points=\"3\""));
  }
  SECTION("headless Chromium renders every plot with its data") {
    const auto dom = gcbench::testing::run_command(fmt::format(
        "timeout 120 chromium --headless --no-sandbox --disable-gpu --dump-dom file://{}", (folder / "report.html").string()));
    INFO(dom.substr(0, 2000));
    REQUIRE(dom.rfind("0\n", 0) == 0);  // chromium is installed by ci/setup.sh
    // Five figures of the runs and one dose-response figure of the swept learning rate, each drawn with its data.
    std::smatch rendered;
    REQUIRE(std::regex_search(dom, rendered, std::regex(R"re(data-plots-rendered="(\d+)/(\d+)")re")));
    INFO(rendered.str(0));
    CHECK(rendered.str(1) == rendered.str(2));
    CHECK(rendered.str(2) == "6");
  }
}

TEST_CASE("A report skips a truncated last record and says so", "[report]") {
  TempDir dir;
  const auto results = run_small_suite(dir);
  fs::path folder;
  for (const auto& entry : fs::directory_iterator(results)) folder = entry.path();
  {
    std::ofstream append(folder / "runs.jsonl", std::ios::app);
    append << R"({"run_id": "abc", "status": "o)";
  }
  const auto report = gcbench::write_report(folder);
  REQUIRE(report.warnings.size() == 1);
  CHECK_THAT(report.warnings[0], Catch::Contains("runs.jsonl:4: skipped a truncated last record"));
  CHECK(report.checks.at(0).gc_vs_target_nc.n == 3);
}

TEST_CASE("A report of a suite's folder reads its latest results and says there were others", "[report]") {
  TempDir dir;
  const auto results = run_small_suite(dir);
  fs::path latest;
  for (const auto& entry : fs::directory_iterator(results)) latest = entry.path();
  fs::create_directories(results / "20000101T000000Z");
  std::ofstream(results / "20000101T000000Z" / "runs.jsonl") << "";
  const auto report = gcbench::write_report(results);
  CHECK(report.markdown == latest / "report.md");
  REQUIRE(report.warnings.size() == 1);
  CHECK_THAT(report.warnings[0], Catch::Contains("holds 2 results folders") && Catch::Contains(latest.filename().string()));
}

TEST_CASE("A report of a folder with no records names the folder", "[report]") {
  TempDir dir;
  CHECK_THROWS_WITH(gcbench::write_report(dir.path()), Catch::Contains(dir.path().string()) && Catch::Contains("no runs.jsonl"));
}
