// The report reads a sweep as a curve: hand-made results folders (records in
// the real on-disk format, from the golden record) whose measures are monotone,
// U-shaped or flat within wide intervals, each with the statement it must get.
#include <c10/util/Logging.h>
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <functional>

#include "report/dose_response.hpp"
#include "report/report.hpp"
#include "support/fixtures.hpp"
#include "support/hand_made_results.hpp"

using gcbench::testing::TempDir;
namespace fs = std::filesystem;

namespace {

const std::vector<double> kPenalties = {0, 0.01, 0.1, 1};

// A GC-penalty sweep: each penalty x 3 seeds, one class split.
fs::path write_sweep(const fs::path& dir, const std::function<gcbench::testing::HandMadeMeasures(std::size_t v, int seed)>& at) {
  return gcbench::testing::write_hand_made_study(dir / "results", {"gc-penalty-sweep", "training.gc_penalty", kPenalties, 1, 3,
                                                                   [&](std::size_t v, int, int seed) { return at(v, seed); }});
}

gcbench::DoseResponse dose_of(const fs::path& folder) {
  const auto results = gcbench::load_suite_results(folder);
  const auto headline = gcbench::choose_headline(results.records);
  return gcbench::dose_response(gcbench::group_runs(results.records, headline), headline);
}

const gcbench::DoseMetric& metric(const gcbench::DoseResponse& dose, const std::string& prefix) {
  REQUIRE(dose.sweeps.size() == 1);
  for (const auto& m : dose.sweeps[0].metrics) {
    if (m.name.rfind(prefix, 0) == 0) return m;
  }
  FAIL("no metric " << prefix);
  throw std::logic_error("unreachable");
}

double jitter(int seed) { return 0.002 * (seed - 1); }  // -0.002, 0, +0.002

}  // namespace

TEST_CASE("The report reads each swept key as a curve and says what shape it has", "[report][dose]") {
  TempDir dir;
  // GC and target NC fall with the penalty; accuracy peaks at 0.1; source NC is flat within wide
  // intervals; the strongest penalty underfits the source task.
  const auto folder = write_sweep(dir.path(), [](std::size_t v, int seed) {
    const double accuracy[] = {0.60, 0.70, 0.80, 0.65};
    return gcbench::testing::HandMadeMeasures{
        100.0 / (1 + 10 * static_cast<double>(v)) + jitter(seed), 0.30 + 0.1 * (seed - 1) + 0.01 * static_cast<double>(v),
        0.50 - 0.1 * static_cast<double>(v) + jitter(seed), accuracy[v] + jitter(seed), v == 3 ? 0.70 : 0.99};
  });
  const auto dose = dose_of(folder);
  REQUIRE(dose.sweeps.size() == 1);
  const auto& sweep = dose.sweeps[0];
  CHECK(sweep.key == "training.gc_penalty");
  CHECK(sweep.values == kPenalties);
  CHECK(sweep.runs == std::vector<std::size_t>{3, 3, 3, 3});

  SECTION("a monotone measure is said to fall, from one end to the other") {
    CHECK_THAT(metric(dose, "target NC").reading,
               Catch::StartsWith("falls monotonically, from 0.5 [") && Catch::Contains("at 0 to 0.2 ["));
    CHECK_THAT(metric(dose, "source GC").reading, Catch::StartsWith("falls monotonically"));
  }
  SECTION("a U-shaped measure is said to peak inside the range, with the peak's interval") {
    CHECK_THAT(metric(dose, "5-shot accuracy").reading,
               Catch::StartsWith("not monotone: peaks inside the range, 0.8 [0.795, 0.805] at training.gc_penalty = 0.1"));
  }
  SECTION("a measure whose intervals all overlap is said to be flat") {
    CHECK_THAT(metric(dose, "source NC").reading, Catch::StartsWith("flat within its intervals"));
  }
  SECTION("runs clearly below the median train accuracy are counted as underfit where they are") {
    CHECK(dose.median_train_accuracy == Approx(0.99));
    CHECK(dose.underfit_runs == 3);
    CHECK(sweep.underfit == std::vector<std::size_t>{0, 0, 0, 3});
    const auto table = gcbench::dose_table(sweep);
    CHECK(table[4][1] == "3 (3 underfit)");
    CHECK(table[1][1] == "3");
  }
  SECTION("gcbench report writes the tables, readings and a plot per sweep") {
    const auto report = gcbench::write_report(folder);
    const auto markdown = gcbench::testing::read_text(report.markdown);
    CHECK_THAT(markdown, Catch::Contains("## The sweeps as curves") && Catch::Contains("| training.gc_penalty | runs |") &&
                             Catch::Contains("peaks inside the range") && Catch::Contains("3 (3 underfit)") &&
                             Catch::Contains("(plots/dose_training_gc_penalty.svg)"));
    CHECK(fs::exists(report.markdown.parent_path() / "plots" / "dose_training_gc_penalty.svg"));
  }
}

TEST_CASE("A swept class split is a replicate: the curve pools over it instead of drawing one per split", "[report][dose]") {
  TempDir dir;
  const auto folder = gcbench::testing::write_hand_made_study(
      dir.path() / "results",
      {"split-sweep", "training.gc_penalty", kPenalties, 3, 2, [](std::size_t v, int split, int seed) {
         return gcbench::testing::HandMadeMeasures{10.0 - static_cast<double>(v) + split, 0.3, 0.5, 0.7 + 0.01 * seed, 0.99};
       }});
  const auto dose = dose_of(folder);
  REQUIRE(dose.sweeps.size() == 1);
  CHECK(dose.sweeps[0].key == "training.gc_penalty");
  CHECK(dose.sweeps[0].fixed.empty());
  CHECK(dose.sweeps[0].runs == std::vector<std::size_t>{6, 6, 6, 6});
}

TEST_CASE("A sweep with fewer than three values, or of a key that is not a number, gives no curve", "[report][dose]") {
  SECTION("two values") {
    std::vector<gcbench::DosePoint> points(2, gcbench::DosePoint{3, 1.0, 0.1});
    CHECK(gcbench::read_curve({0, 1}, points, "k") == "too few values to read a shape");
  }
  SECTION("one run per value: no intervals, the means alone decide") {
    std::vector<gcbench::DosePoint> points = {{1, 1.0, NAN}, {1, 2.0, NAN}, {1, 3.0, NAN}};
    CHECK_THAT(gcbench::read_curve({1, 2, 3}, points, "k"), Catch::StartsWith("rises monotonically, from 1 at 1 to 3 at 3"));
  }
}
