// One table of the paper's claims across studies, on hand-made results folders
// of two studies: a learning-rate sweep and a GC-penalty sweep, 3 class splits x
// 4 seeds each, with effects the tests choose.
#include <c10/util/Logging.h>
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "report/claims.hpp"
#include "support/fixtures.hpp"
#include "support/hand_made_results.hpp"

using gcbench::testing::HandMadeMeasures;
using gcbench::testing::TempDir;
namespace fs = std::filesystem;

namespace {

// Small seed-to-seed noise, the same pattern in every split.
double noise(int seed, double size) { return size * ((seed * 7) % 5 - 2) / 2.0; }

// Learning rate: higher lr, lower GC, and NC and accuracy follow the paper, clearly.
gcbench::testing::HandMadeStudy lr_study() {
  return {"mini-lr", "training.lr", {0.005, 0.01, 0.02, 0.05}, 3, 4, [](std::size_t v, int split, int seed) {
            const double gc = 50.0 / (1 + static_cast<double>(v)) * (1 + 0.2 * split) + noise(seed, 0.5);
            return HandMadeMeasures{gc, 0.01 * gc + noise(seed, 0.002), 0.02 * gc + 0.1 * split + noise(seed, 0.004),
                                    0.9 - 0.004 * gc - 0.05 * split + noise(seed, 0.002), 0.99};
          }};
}

// GC penalty: 0.01 lowers GC and target NC and raises accuracy; 1 underfits. Source NC is noise.
gcbench::testing::HandMadeStudy penalty_study() {
  return {"mini-gc-penalty", "training.gc_penalty", {0, 0.01, 1}, 3, 4, [](std::size_t v, int split, int seed) {
            const double gc[] = {40, 20, 4};
            const double nc[] = {0.5, 0.4, 0.45};
            const double accuracy[] = {0.70, 0.74, 0.60};
            return HandMadeMeasures{gc[v] + split + noise(seed, 0.4), 0.3 + noise(seed * 3 + static_cast<int>(v), 0.2),
                                    nc[v] + 0.05 * split + noise(seed, 0.01), accuracy[v] - 0.02 * split + noise(seed, 0.004),
                                    v == 2 ? 0.80 : 0.99};
          }};
}

}  // namespace

TEST_CASE("The claims table reads each study's runs into one cell per claim", "[report][claims]") {
  TempDir dir;
  const auto lr = gcbench::testing::write_hand_made_study(dir / "results", lr_study());
  const auto penalty = gcbench::testing::write_hand_made_study(dir / "results", penalty_study());
  const auto files = gcbench::write_claims({lr, penalty}, dir / "results");
  const auto& table = files.table;
  REQUIRE(table.studies == std::vector<std::string>{"mini-lr", "mini-gc-penalty"});
  REQUIRE(table.cells.size() == 4);

  SECTION("claims 1-3 are pooled within class splits, with an interval, and replicate on both seed halves") {
    for (std::size_t claim = 0; claim < 3; ++claim) {
      INFO(table.claims[claim]);
      const auto& cell = table.cells[claim][0];
      CHECK(cell.applies);
      CHECK(cell.evidence == gcbench::Evidence::papers_sign);
      CHECK_THAT(cell.verdict, Catch::Equals("the interval excludes 0: the paper's sign"));
      CHECK_THAT(cell.estimate, Catch::Matches(R"([+-]\d\.\d\d \[[+-]\d\.\d\d, [+-]\d\.\d\d\])"));
      CHECK(cell.replicates);
      CHECK_THAT(cell.replication, Catch::StartsWith("holds in both seed halves (seeds 0, 2: "));
    }
    CHECK(table.groups[0] == "3 class splits, 48 runs; accuracy: 5-shot linear_probe");
  }
  SECTION("the penalty claim applies to the study that sweeps the penalty, at the strength where it holds") {
    const auto& lr_cell = table.cells[3][0];
    CHECK_FALSE(lr_cell.applies);
    CHECK_THAT(lr_cell.verdict, Catch::Contains("does not sweep training.gc_penalty"));
    const auto& cell = table.cells[3][1];
    CHECK(cell.applies);
    CHECK(cell.evidence == gcbench::Evidence::papers_sign);
    CHECK_THAT(cell.estimate, Catch::StartsWith("at 0.01: source GC -") && Catch::Contains("(12 pairs)"));
    CHECK_THAT(cell.verdict, Catch::Equals("all three intervals exclude 0 the paper's way at 0.01"));
    CHECK(cell.replicates);
  }
  SECTION("a relation that is noise gets no sign and no colour, and says so") {
    const auto& cell = table.cells[0][1];  // source GC vs source NC in the penalty study: NC is noise
    CHECK(cell.evidence == gcbench::Evidence::none);
    CHECK_THAT(cell.verdict, Catch::Equals("the interval covers 0: no sign can be claimed"));
  }
  SECTION("claims.md and claims.html hold the table; only evidence is coloured") {
    const auto markdown = gcbench::testing::read_text(files.markdown);
    CHECK_THAT(markdown, Catch::Contains("| claim | mini-lr | mini-gc-penalty |") &&
                             Catch::Contains("| 4. an explicit GC penalty lowers source GC and target NC"));
    const auto html = gcbench::testing::read_text(files.html);
    CHECK_THAT(html, Catch::Contains("<td class=\"verdict match\">") && Catch::Contains("<td class=\"verdict \">"));
  }
}

TEST_CASE("A claim that flips between the two halves of the seeds is called underpowered, with the seeds to settle it",
          "[report][claims]") {
  TempDir dir;
  // GC vs target NC: a weak positive link buried in seed noise.
  gcbench::testing::HandMadeStudy weak{
      "weak", "training.lr", {0.01, 0.02, 0.05}, 3, 2, [](std::size_t v, int split, int seed) {
        const double gc = 10.0 - static_cast<double>(v) + 0.3 * split;
        const double swing = seed == 0 ? 1.0 : -1.0;  // seed 0 and seed 1 disagree
        return HandMadeMeasures{gc, 0.3, 0.3 + 0.02 * swing * static_cast<double>(v) + 0.001 * split, 0.7, 0.99};
      }};
  const auto folder = gcbench::testing::write_hand_made_study(dir / "results", weak);
  const auto table = gcbench::write_claims({folder}, dir / "out").table;
  const auto& cell = table.cells[1][0];
  INFO(cell.estimate << " / " << cell.replication);
  CHECK_FALSE(cell.replicates);
  CHECK_THAT(cell.replication,
             Catch::Contains("not the same in both seed halves (seeds 0: ") && Catch::Contains("underpowered at this size"));
}

TEST_CASE("gcbench report --claims writes the table beside the studies and prints each claim", "[report][claims][cli]") {
  TempDir dir;
  const auto lr = gcbench::testing::write_hand_made_study(dir / "results", lr_study());
  const auto penalty = gcbench::testing::write_hand_made_study(dir / "results", penalty_study());
  const auto output =
      gcbench::testing::gcbench_cli(fmt::format("report --claims {} {}", gcbench::testing::quoted(dir / "results" / "mini-lr"),
                                                gcbench::testing::quoted(dir / "results" / "mini-gc-penalty")));
  INFO(output);
  CHECK(gcbench::testing::exit_code(output) == 0);
  CHECK_THAT(output, Catch::Contains("2. lower source GC goes with lower target NC") && Catch::Contains("claims.html"));
  CHECK(fs::exists(dir / "results" / "claims.md"));
  CHECK(gcbench::testing::exit_code(gcbench::testing::gcbench_cli(
            fmt::format("report {} {}", gcbench::testing::quoted(lr), gcbench::testing::quoted(penalty)))) == 2);
}
