// LibTorch defines glog's CHECK; included first, Catch's CHECK replaces it.
#include <c10/util/Logging.h>
#include <catch2/catch.hpp>

#include "config/suite.hpp"
#include "plugins/plugin_registry.hpp"
#include "support/fixtures.hpp"

using gcbench::ConfigError;
using gcbench::testing::TempDir;

namespace {

const gcbench::PluginRegistry& registry() {
  static const auto loaded = gcbench::PluginRegistry::discover({gcbench::testing::plugin_dir()});
  return loaded;
}

const std::string kValid = R"(
[suite]
seeds = [0, 1]

[dataset]
plugin = "fashion_mnist"

[architecture]
plugin = "conv4"

[training]
lr = 0.05

[sweep]
"training.lr" = [0.01, 0.1]
)";

gcbench::Suite validate(const TempDir& dir, const std::string& text, std::vector<gcbench::Override> overrides = {}) {
  const auto file = dir / "suite.toml";
  gcbench::testing::write_text(file, text);
  return gcbench::validate_suite(file, overrides, registry());
}

std::string issues_of(const TempDir& dir, const std::string& text, std::vector<gcbench::Override> overrides = {}) {
  try {
    validate(dir, text, std::move(overrides));
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("A valid suite resolves every key, plugin options included", "[suite]") {
  TempDir dir;
  const auto suite = validate(dir, kValid);
  CHECK(suite.name == "suite");
  REQUIRE(suite.variants.size() == 1);
  const auto& only = suite.variants[0];
  CHECK(only.name.empty());
  CHECK((only.seeds == std::vector<std::int64_t>{0, 1}));
  CHECK(only.base["training"]["batch_size"] == 64);             // a default
  CHECK(only.base["architecture"]["options"]["width"] == 64);   // a plugin default
  CHECK(only.base["estimators"]["hutchinson"]["probes"] == 8);  // an estimator default
  REQUIRE(only.sweep.size() == 1);
  CHECK(only.sweep[0].keys == std::vector<std::string>{"training.lr"});
  CHECK(only.sweep[0].points.size() == 2);
}

TEST_CASE("An unknown key is reported with its line and column and the allowed keys", "[suite]") {
  TempDir dir;
  std::string text = kValid;
  text.replace(text.find("lr = 0.05"), 9, "lrr = 0.05");
  const auto issues = issues_of(dir, text);
  CHECK_THAT(issues, Catch::Contains("suite.toml:12:1") && Catch::Contains("unknown key 'training.lrr'") &&
                         Catch::Contains("batch_size") && Catch::Contains("lr"));
}

TEST_CASE("A value of the wrong type is reported with its line and column", "[suite]") {
  TempDir dir;
  std::string text = kValid;
  text.replace(text.find("lr = 0.05"), 9, "lr = \"fast\"");
  CHECK_THAT(issues_of(dir, text),
             Catch::Contains("suite.toml:12:6") && Catch::Contains("'training.lr' expects real, got a string"));
}

TEST_CASE("Every problem in a suite is reported at once", "[suite]") {
  TempDir dir;
  const auto issues = issues_of(dir, R"(
[dataset]
plugin = "fashion_mnist"
[dataset.options]
train_per_class = -3
colour = true
[architecture]
plugin = "resnet9000"
[training]
batch_size = 0
[sweep]
"training.momentum" = [0.5, 2.0]
)");
  CHECK_THAT(issues, Catch::Contains("suite.toml:5:19: 'dataset.options.train_per_class' is -3, below the minimum 0"));
  CHECK_THAT(issues, Catch::Contains("suite.toml:6:1: unknown option 'dataset.options.colour'"));
  CHECK_THAT(issues,
             Catch::Contains("suite.toml:8:10: unknown architecture plugin 'resnet9000'; available architecture plugins: conv4"));
  CHECK_THAT(issues, Catch::Contains("suite.toml:10:14: 'training.batch_size' is 0, below the minimum 1"));
  CHECK_THAT(issues, Catch::Contains("suite.toml:12:29: sweep value for 'training.momentum' is 2"));
}

TEST_CASE("Syntax errors and missing required keys are located", "[suite]") {
  TempDir dir;
  SECTION("syntax") {
    CHECK_THAT(issues_of(dir, "[training\nlr = 1\n"), Catch::Contains("suite.toml:1:") && Catch::Contains("not valid TOML"));
  }
  SECTION("required") {
    CHECK_THAT(issues_of(dir, "[training]\nlr = 1.0\n"), Catch::Contains("missing required key 'dataset.plugin'"));
  }
}

TEST_CASE("Command-line overrides replace suite values and are checked like them", "[suite]") {
  TempDir dir;
  SECTION("a valid override") {
    const auto suite = validate(
        dir, kValid, {gcbench::parse_override("training.epochs=3"), gcbench::parse_override("architecture.options.width=16")});
    CHECK(suite.variants[0].base["training"]["epochs"] == 3);
    CHECK(suite.variants[0].base["architecture"]["options"]["width"] == 16);
  }
  SECTION("a bad override names the --set") {
    CHECK_THAT(issues_of(dir, kValid, {gcbench::parse_override("training.epochs=many")}),
               Catch::Contains("--set training.epochs=many") && Catch::Contains("expects integer, got a string"));
  }
  SECTION("no equals sign") { CHECK_THROWS_AS(gcbench::parse_override("training.epochs"), ConfigError); }
}

TEST_CASE("A sweep over an unknown key or a non-list is refused", "[suite]") {
  TempDir dir;
  std::string text = kValid;
  text += "\"training.warp\" = [1, 2]\n\"training.epochs\" = 3\n";
  const auto issues = issues_of(dir, text);
  CHECK_THAT(issues, Catch::Contains("sweep key 'training.warp' is not a suite key"));
  CHECK_THAT(issues, Catch::Contains("sweep key 'training.epochs' needs a non-empty list"));
}

TEST_CASE("Nesterov momentum without a momentum is refused at validation, swept or not", "[suite]") {
  TempDir dir;
  const std::string suite = gcbench::testing::kSmallestSuite;
  const auto refused = [](const std::string& issues) {
    CHECK_THAT(issues, Catch::Contains("training.nesterov = true needs training.momentum > 0"));
  };
  SECTION("both keys set in the suite") { refused(issues_of(dir, suite + "[training]\nnesterov = true\nmomentum = 0.0\n")); }
  SECTION("momentum swept through 0") {
    const auto issues = issues_of(dir, suite + "[training]\nnesterov = true\n[sweep]\n\"training.momentum\" = [0.9, 0.0]\n");
    refused(issues);
    CHECK_THAT(issues, Catch::Contains("suite.toml:13:"));  // the swept list's line
  }
  SECTION("Nesterov swept, momentum 0") {
    refused(issues_of(dir, suite + "[training]\nmomentum = 0.0\n[sweep]\n\"training.nesterov\" = [false, true]\n"));
  }
  SECTION("zipped so that no run pairs Nesterov with momentum 0") {
    CHECK(issues_of(dir, suite + "[[sweep.zip]]\n\"training.nesterov\" = [false, true]\n\"training.momentum\" = [0.0, 0.9]\n")
              .empty());
  }
  SECTION("zipped so that one run does") {
    refused(issues_of(dir, suite + "[[sweep.zip]]\n\"training.nesterov\" = [true, false]\n\"training.momentum\" = [0.0, 0.9]\n"));
  }
  SECTION("momentum with Nesterov") { CHECK(issues_of(dir, suite + "[training]\nnesterov = true\n").empty()); }
}
