#include <catch2/catch.hpp>

#include <set>

#include "config/option_values.hpp"
#include "plan/plan.hpp"

namespace {
using nlohmann::json;

gcbench::SweepAxis axis(std::string key, std::vector<json> values) {
  gcbench::SweepAxis out{{std::move(key)}, {}};
  for (auto& value : values) out.points.push_back({std::move(value)});
  return out;
}

gcbench::SuiteVariant variant_with(std::vector<gcbench::SweepAxis> sweep, std::vector<std::int64_t> seeds,
                                   std::string name = "") {
  gcbench::SuiteVariant variant;
  variant.name = std::move(name);
  // Every harness key at its default, as validation resolves them, and plugins without options.
  for (const auto& key : gcbench::harness_keys()) {
    if (key.assign) variant.base[gcbench::key_pointer(key.spec.name)] = gcbench::to_json(key.spec.default_value);
  }
  variant.base["training"]["lr"] = 0.1;
  variant.base["training"]["batch_size"] = 64;
  variant.base["runtime"]["threads"] = 0;
  variant.option_specs = {
      {"dataset.options", {}}, {"architecture.options", {}}, {"estimators.exact", {}}, {"estimators.hutchinson", {}}};
  variant.sweep = std::move(sweep);
  variant.seeds = std::move(seeds);
  return variant;
}

gcbench::Suite suite_with(std::vector<gcbench::SweepAxis> sweep, std::vector<std::int64_t> seeds) {
  gcbench::Suite suite;
  suite.name = "s";
  suite.variants.push_back(variant_with(std::move(sweep), std::move(seeds)));
  return suite;
}
}  // namespace

TEST_CASE("A sweep grid expands to the product of its axes times the seeds", "[plan]") {
  const auto runs =
      gcbench::plan_runs(suite_with({axis("training.lr", {0.01, 0.1, 1.0}), axis("training.batch_size", {32, 128})}, {0, 1}));
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
  suite.variants[0].base["runtime"]["threads"] = 2;
  CHECK(gcbench::plan_runs(suite)[0].id == first);
  suite.variants[0].base["training"]["lr"] = 0.2;
  CHECK(gcbench::plan_runs(suite)[0].id != first);
  CHECK(first.size() == 16);
}

TEST_CASE("Zipped sweep lists advance together as one axis of the grid", "[plan]") {
  gcbench::SweepAxis zipped{{"training.batch_size", "training.lr"}, {{32, 0.01}, {64, 0.02}, {128, 0.04}}};
  const auto runs = gcbench::plan_runs(suite_with({zipped, axis("training.momentum", {0.0, 0.9})}, {0}));
  REQUIRE(runs.size() == 6);
  CHECK(runs[0].config["training"]["batch_size"] == 32);
  CHECK(runs[0].config["training"]["lr"] == 0.01);
  CHECK(runs[2].config["training"]["batch_size"] == 64);
  CHECK(runs[2].config["training"]["lr"] == 0.02);
  CHECK((runs[5].swept == json{{"training.batch_size", 128}, {"training.lr", 0.04}, {"training.momentum", 0.9}}));
}

TEST_CASE("Each variant runs its own grid, and seeds still vary slowest", "[plan]") {
  gcbench::Suite suite;
  suite.variants.push_back(variant_with({axis("training.lr", {0.01, 0.1})}, {0, 1}, "lr"));
  suite.variants.push_back(variant_with({axis("training.batch_size", {32, 64, 128})}, {0, 1}, "batch"));
  const auto runs = gcbench::plan_runs(suite);
  REQUIRE(runs.size() == 10);
  CHECK(runs[0].variant == "lr");
  CHECK(runs[2].variant == "batch");
  CHECK(runs[2].config["training"]["batch_size"] == 32);
  CHECK(runs[4].seed == 0);
  CHECK(runs[5].seed == 1);
  CHECK(runs[5].variant == "lr");
  CHECK((runs[2].swept == json{{"training.batch_size", 32}}));
}
