// Run ids hash what makes a run differ from the defaults (config/run_identity.hpp):
// a key added at its default changes no id, a changed default does.
#include <catch2/catch.hpp>

#include "config/run_identity.hpp"

using gcbench::identity_basis;
using gcbench::IdentityDefaults;
using gcbench::run_identity;
using nlohmann::json;

namespace {

// A resolved config as a plan holds it: every harness key and option present.
json resolved_config() {
  return {{"seed", 0},
          {"dataset", {{"plugin", "fashion_mnist"}, {"root", ""}, {"options", {{"train_per_class", 40}, {"split_seed", -1}}}}},
          {"architecture", {{"plugin", "conv4"}, {"options", {{"width", 8}}}}},
          {"training", {{"lr", 0.05}, {"momentum", 0.9}, {"batch_size", 16}, {"milestones", json::array()}}},
          {"measure", {{"gc_samples", 128}, {"fewshot", {{"ways", 5}}}}},
          {"estimators", {{"hutchinson", {{"probes", 8}}}}},
          {"runtime", {{"threads", 2}, {"device", "auto"}}}};
}

IdentityDefaults plugin_defaults(const std::string& conv4_version = "1.0.0") {
  IdentityDefaults defaults;
  defaults.plugin_options["dataset.options"] = {gcbench::option::integer("train_per_class", 0, "all"),
                                                gcbench::option::integer("split_seed", -1, "fixed split")};
  defaults.plugin_options["architecture.options"] = {gcbench::option::integer("width", 64, "channels")};
  defaults.plugin_options["estimators.hutchinson"] = {gcbench::option::integer("probes", 8, "probes")};
  defaults.plugin_versions = {{"dataset.options", "1.1.0"},
                              {"architecture.options", conv4_version},
                              {"estimators.hutchinson", "1.0.0"},
                              {"estimators.exact", "1.0.0"}};
  return defaults;
}

}  // namespace

TEST_CASE("A run id hashes only the values that differ from their declared defaults", "[identity]") {
  const auto basis = identity_basis(resolved_config(), plugin_defaults());
  CHECK(basis ==
        json{{"seed", 0},
             {"dataset", {{"plugin", "fashion_mnist"}, {"options", {{"train_per_class", 40}}}}},
             {"architecture", {{"plugin", "conv4"}, {"options", {{"width", 8}}}}},
             {"training", {{"batch_size", 16}}},
             {"plugin_versions", {{"dataset.options", "1"}, {"architecture.options", "1"}, {"estimators.hutchinson", "1"}}}});
}

TEST_CASE("A key set explicitly to its default gives the id of leaving it out", "[identity]") {
  const auto defaults = plugin_defaults();
  auto left_out = resolved_config();
  left_out["training"].erase("momentum");
  left_out["dataset"]["options"].erase("split_seed");
  left_out["estimators"]["hutchinson"].erase("probes");
  CHECK(run_identity(left_out, defaults) == run_identity(resolved_config(), defaults));
}

TEST_CASE("A key a newer gcbench adds at its default changes no run id", "[identity]") {
  auto keys = gcbench::harness_keys();
  SECTION("in a table that exists") {
    keys.push_back({gcbench::option::boolean("training.new_switch", false, "a new switch, off by default"), false, {}, {}});
    auto newer = resolved_config();
    newer["training"]["new_switch"] = false;
    CHECK(identity_basis(newer, plugin_defaults(), keys) == identity_basis(resolved_config(), plugin_defaults(), keys));
    newer["training"]["new_switch"] = true;
    CHECK(identity_basis(newer, plugin_defaults(), keys) != identity_basis(resolved_config(), plugin_defaults(), keys));
  }
  SECTION("in a table of its own") {
    keys.push_back({gcbench::option::integer("logging.every", 0, "a new table's key"), false, {}, {}});
    auto newer = resolved_config();
    newer["logging"]["every"] = 0;
    CHECK(identity_basis(newer, plugin_defaults(), keys) == identity_basis(resolved_config(), plugin_defaults(), keys));
  }
  SECTION("a plugin option") {
    auto defaults = plugin_defaults();
    defaults.plugin_options["architecture.options"].push_back(gcbench::option::boolean("batch_norm", true, "new, on"));
    auto newer = resolved_config();
    newer["architecture"]["options"]["batch_norm"] = true;
    CHECK(run_identity(newer, defaults) == run_identity(resolved_config(), plugin_defaults()));
  }
}

TEST_CASE("A value that differs from its default changes the run id; threads and device do not", "[identity]") {
  const auto defaults = plugin_defaults();
  const auto id = run_identity(resolved_config(), defaults);
  auto other = resolved_config();
  SECTION("a harness key") { other["training"]["lr"] = 0.1; }
  SECTION("a plugin option") { other["dataset"]["options"]["split_seed"] = 3; }
  SECTION("the seed") { other["seed"] = 1; }
  CHECK(run_identity(other, defaults) != id);
  auto runtime = resolved_config();
  runtime["runtime"] = {{"threads", 16}, {"device", "cuda"}};
  CHECK(run_identity(runtime, defaults) == id);
}

TEST_CASE("A harness key whose default changed keeps runs made under the old default apart", "[identity]") {
  // training.lr's default was 0.05; say a release makes it 0.1.
  const auto defaults = plugin_defaults();
  const auto old_run = resolved_config();  // lr 0.05, the default of its day: its id left lr out
  const auto old_id = run_identity(old_run, defaults);
  auto new_run = resolved_config();
  new_run["training"]["lr"] = 0.1;
  auto keys = gcbench::harness_keys();
  for (auto& key : keys) {
    if (key.spec.name == "training.lr") key.spec.default_value = 0.1;
  }
  SECTION("without default_since the new run would take the old run's id") {
    CHECK(gcbench::config_hash(identity_basis(new_run, defaults, keys)) == old_id);
  }
  SECTION("with default_since the value enters every id, old and new") {
    for (auto& key : keys) {
      if (key.spec.name == "training.lr") key.default_since = "0.2.0";
    }
    CHECK(gcbench::config_hash(identity_basis(new_run, defaults, keys)) != old_id);
    CHECK(identity_basis(new_run, defaults, keys)["training"]["lr"] == 0.1);
    CHECK(identity_basis(old_run, defaults, keys)["training"]["lr"] == 0.05);
  }
}

TEST_CASE("A plugin's major version is part of the run id, its minor version is not", "[identity]") {
  const auto id = run_identity(resolved_config(), plugin_defaults("1.0.0"));
  CHECK(run_identity(resolved_config(), plugin_defaults("1.3.2")) == id);
  CHECK(run_identity(resolved_config(), plugin_defaults("2.0.0")) != id);
  SECTION("before 1.0 a minor release is a major one") {
    CHECK(gcbench::major_version("0.3.1") == "0.3");
    CHECK(gcbench::major_version("1.4.2") == "1");
    CHECK(gcbench::major_version("7") == "7");
  }
  SECTION("an estimator the config does not use is not") {
    CHECK_FALSE(identity_basis(resolved_config(), plugin_defaults())["plugin_versions"].contains("estimators.exact"));
  }
}
