// compare --across-machines judges each metric over its seeds: records made by
// hand, with the spreads the nightly suite measured between two builds (README,
// 'What "the same result" means across machines, measured'): a seed's target
// NC1 can be twice another's on one machine.
#include <c10/util/Logging.h>
#include <catch2/catch.hpp>

#include <deque>

#include "compare/across_machines.hpp"

using gcbench::Finding;
using gcbench::RunRecord;
using gcbench::Verdict;

namespace {

struct Values {
  double accuracy;
  double gc;
  double nc1;
};

// One ok run at (variant, sweep point lr) and seed, with these headline values.
RunRecord record(const std::string& variant, double lr, std::int64_t seed, std::size_t index, const Values& values) {
  RunRecord r;
  r.status = gcbench::RunStatus::ok;
  r.variant = variant;
  r.swept = {{"training.lr", lr}};
  r.seed = seed;
  r.index = index;
  gcbench::Metrics metrics;
  metrics.source.test_accuracy = values.accuracy;
  metrics.source.gc["exact"].value = values.gc;
  gcbench::NcMeasurement nc;
  nc.cdnv = values.nc1 / 2;
  nc.nc1 = values.nc1;
  metrics.target = gcbench::TargetMetrics{nc, {}};
  r.metrics = metrics;
  r.timings["total"] = 1.0 + static_cast<double>(seed);
  return r;
}

struct Sides {
  std::deque<RunRecord> records;  // stable addresses
  std::vector<std::pair<const RunRecord*, const RunRecord*>> pairs;
  void add(const std::string& variant, double lr, const std::vector<Values>& baseline, const std::vector<Values>& contender) {
    for (std::size_t s = 0; s < baseline.size(); ++s) {
      const auto index = records.size();
      const auto& base = records.emplace_back(record(variant, lr, static_cast<std::int64_t>(s), index, baseline[s]));
      const auto& cont = records.emplace_back(record(variant, lr, static_cast<std::int64_t>(s), index, contender[s]));
      pairs.emplace_back(&base, &cont);
    }
  }
};

const Finding& find(const std::vector<Finding>& findings, const std::string& subject, const std::string& metric) {
  for (const auto& f : findings) {
    if (f.subject == subject && f.metric == metric) return f;
  }
  FAIL("no finding for " << subject << " / " << metric);
  throw std::logic_error("unreachable");
}

// Five seeds with the nightly's spreads: accuracy +-0.03, GC +-10%, NC1 from 2.7 to 7.3.
const std::vector<Values> kBaseline{{0.86, 7.7, 2.7}, {0.82, 8.5, 4.1}, {0.88, 7.1, 3.5}, {0.80, 8.9, 7.3}, {0.85, 7.4, 3.0}};

std::vector<Values> shifted(double accuracy_by, double gc_times, double nc1_times) {
  std::vector<Values> out;
  for (const auto& v : kBaseline) out.push_back({v.accuracy + accuracy_by, v.gc * gc_times, v.nc1 * nc1_times});
  return out;
}

}  // namespace

TEST_CASE("Across machines, seeds drawn alike are unchanged even where one seed's NC1 is twice another's", "[compare]") {
  Sides sides;
  // Another draw of the same distributions: the seeds reordered, so every run differs, NC1 by up to 2.5x.
  sides.add("conv4", 0.05, kBaseline, {kBaseline[3], kBaseline[2], kBaseline[4], kBaseline[0], kBaseline[1]});
  const auto findings = gcbench::judge_over_seeds(sides.pairs, 0.01);
  REQUIRE(findings.size() == 4);  // accuracy, GC, target CDNV and NC1; times are not judged
  for (const auto& f : findings) {
    INFO(f.metric << ": " << f.note);
    CHECK(f.verdict == Verdict::unchanged);
    CHECK(f.subject == "conv4 training.lr=0.05 seeds 0,1,2,3,4");
    REQUIRE(f.p_value);
    CHECK(*f.p_value > 0.5);
  }
  const auto& nc1 = find(findings, "conv4 training.lr=0.05 seeds 0,1,2,3,4", "target.nc.nc1");
  CHECK(nc1.test == "welch t on log");
  CHECK(*nc1.baseline == Approx(*nc1.contender));  // geometric means over the same values
}

TEST_CASE("Across machines, a shift of several seed spreads is judged by the metric's kind", "[compare]") {
  const std::string subject = "conv4 training.lr=0.05 seeds 0,1,2,3,4";
  SECTION("an accuracy drop regresses") {
    Sides sides;
    sides.add("conv4", 0.05, kBaseline, shifted(-0.10, 1, 1));
    const auto findings = gcbench::judge_over_seeds(sides.pairs, 0.01);
    const auto& accuracy = find(findings, subject, "source.test_accuracy");
    CHECK(accuracy.verdict == Verdict::regressed);
    CHECK(accuracy.test == "welch t");
    CHECK(*accuracy.contender - *accuracy.baseline == Approx(-0.10));
    CHECK(find(findings, subject, "source.gc.exact").verdict == Verdict::unchanged);
  }
  SECTION("an accuracy rise improves") {
    Sides sides;
    sides.add("conv4", 0.05, kBaseline, shifted(+0.10, 1, 1));
    CHECK(find(gcbench::judge_over_seeds(sides.pairs, 0.01), subject, "source.test_accuracy").verdict == Verdict::improved);
  }
  SECTION("GC moving either way regresses") {
    for (const double times : {0.6, 1.6}) {
      Sides sides;
      sides.add("conv4", 0.05, kBaseline, shifted(0, times, 1));
      const auto findings = gcbench::judge_over_seeds(sides.pairs, 0.01);
      const auto& gc = find(findings, subject, "source.gc.exact");
      INFO(gc.note);
      CHECK(gc.verdict == Verdict::regressed);
      CHECK(*gc.contender / *gc.baseline == Approx(times));
    }
  }
  SECTION("NC1 tripled at every seed regresses") {
    // Doubled is not enough: five seeds spread from 2.7 to 7.3 put a doubling at p = 0.02.
    Sides sides;
    sides.add("conv4", 0.05, kBaseline, shifted(0, 1, 3));
    CHECK(find(gcbench::judge_over_seeds(sides.pairs, 0.01), subject, "target.nc.nc1").verdict == Verdict::regressed);
  }
}

TEST_CASE("Across machines, each sweep point is judged on its own seeds", "[compare]") {
  Sides sides;
  sides.add("conv4", 0.05, kBaseline, kBaseline);
  sides.add("conv4", 0.5, kBaseline, shifted(-0.10, 1, 1));
  const auto findings = gcbench::judge_over_seeds(sides.pairs, 0.01);
  CHECK(find(findings, "conv4 training.lr=0.05 seeds 0,1,2,3,4", "source.test_accuracy").verdict == Verdict::unchanged);
  CHECK(find(findings, "conv4 training.lr=0.5 seeds 0,1,2,3,4", "source.test_accuracy").verdict == Verdict::regressed);
}

TEST_CASE("Across machines, a place with one seed is not judged and says why", "[compare]") {
  Sides sides;
  sides.add("conv4", 0.05, {kBaseline[0]}, {{0.10, 1.0, 50.0}});
  const auto findings = gcbench::judge_over_seeds(sides.pairs, 0.01);
  REQUIRE_FALSE(findings.empty());
  for (const auto& f : findings) {
    CHECK(f.verdict == Verdict::unchanged);
    CHECK_FALSE(f.p_value);
    CHECK(f.note == "fewer than 2 seeds ok on both sides: not judged across machines");
  }
}

TEST_CASE("Across machines, a metric one side lacks is listed as that side's, not judged", "[compare]") {
  Sides sides;
  sides.add("conv4", 0.05, kBaseline, kBaseline);
  for (std::size_t i = 0; i < sides.pairs.size(); ++i) {
    auto& contender = sides.records[2 * i + 1];  // records alternate baseline, contender
    contender.metrics->source.gc["hutchinson"].value = 8.0 + static_cast<double>(i);
  }
  sides.records[0].metrics->source.gc["sampled"].value = 5.0;  // the baseline's first seed only
  const auto findings = gcbench::judge_over_seeds(sides.pairs, 0.01);
  const std::string subject = "conv4 training.lr=0.05 seeds 0,1,2,3,4";

  const auto& added = find(findings, subject, "source.gc.hutchinson");
  CHECK(added.verdict == Verdict::only_in_contender);
  CHECK_FALSE(added.baseline);
  REQUIRE(added.contender);
  CHECK(*added.contender == Approx(10.0));  // the mean over its five seeds
  CHECK(added.note == "at 5 of 5 seeds");

  const auto& dropped = find(findings, subject, "source.gc.sampled");
  CHECK(dropped.verdict == Verdict::only_in_baseline);
  REQUIRE(dropped.baseline);
  CHECK(*dropped.baseline == Approx(5.0));
  CHECK(dropped.note == "at 1 of 5 seeds");

  CHECK(find(findings, subject, "source.gc.exact").verdict == Verdict::unchanged);
}
