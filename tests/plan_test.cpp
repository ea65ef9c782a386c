#include <catch2/catch.hpp>

#include <set>

#include "plan/plan.hpp"

namespace {
gcbench::Suite suite_with(std::vector<gcbench::SweepAxis> sweep, std::vector<std::int64_t> seeds) {
  gcbench::Suite suite;
  suite.name = "s";
  suite.base = {{"training", {{"lr", 0.1}, {"batch_size", 64}}}, {"runtime", {{"threads", 0}}}};
  suite.sweep = std::move(sweep);
  suite.seeds = std::move(seeds);
  return suite;
}
}  // namespace

TEST_CASE("A sweep grid expands to the product of its axes times the seeds", "[plan]") {
  const auto runs = gcbench::plan_runs(suite_with(
      {{"training.lr", {0.01, 0.1, 1.0}}, {"training.batch_size", {32, 128}}}, {0, 1}));
  REQUIRE(runs.size() == 12);
  CHECK(runs[0].config["training"]["lr"] == 0.01);
  CHECK(runs[0].config["training"]["batch_size"] == 32);
  CHECK(runs[1].config["training"]["batch_size"] == 128);  // the last axis varies fastest
  CHECK(runs[2].config["training"]["lr"] == 0.1);
  CHECK(runs[6].seed == 1);  // seeds vary slowest
  CHECK(runs[6].swept == runs[0].swept);
  std::set<std::string> ids;
  for (const auto& run : runs) ids.insert(run.id);
  CHECK(ids.size() == 12);
}

TEST_CASE("A run's id depends on what it computes, not on its thread count", "[plan]") {
  auto suite = suite_with({}, {0});
  const auto first = gcbench::plan_runs(suite)[0].id;
  suite.base["runtime"]["threads"] = 2;
  CHECK(gcbench::plan_runs(suite)[0].id == first);
  suite.base["training"]["lr"] = 0.2;
  CHECK(gcbench::plan_runs(suite)[0].id != first);
  CHECK(first.size() == 16);
}
