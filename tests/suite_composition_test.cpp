// Includes, zipped sweeps and named variants: how suites are composed from parts.
// LibTorch defines glog's CHECK; included first, Catch's CHECK replaces it.
#include <c10/util/Logging.h>
#include <catch2/catch.hpp>

#include "config/suite.hpp"
#include "plan/plan.hpp"
#include "plugins/plugin_registry.hpp"
#include "support/fixtures.hpp"

using gcbench::ConfigError;
using gcbench::testing::TempDir;
using gcbench::testing::write_text;
using nlohmann::json;

namespace {

const gcbench::PluginRegistry& registry() {
  static const auto loaded = gcbench::PluginRegistry::discover({gcbench::testing::plugin_dir()});
  return loaded;
}

const std::string kBase = std::string(gcbench::testing::kSmallestSuite) + R"(
[architecture.options]
width = 16

[training]
lr = 0.05
epochs = 3
)";

gcbench::Suite load(const std::filesystem::path& file, std::vector<std::string> sets = {}) {
  std::vector<gcbench::Override> overrides;
  for (const auto& text : sets) overrides.push_back(gcbench::parse_override(text));
  return gcbench::validate_suite(file, overrides, registry());
}

std::string issues_of(const std::filesystem::path& file) {
  try {
    load(file);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("An included suite is read first and the including file's keys override it", "[suite][include]") {
  TempDir dir;
  write_text(dir / "common" / "base.toml", kBase);
  write_text(dir / "child.toml",
             "include = \"common/base.toml\"\n[training]\nlr = 0.2\n[architecture.options]\nembedding_dim = 32\n");
  const auto suite = load(dir / "child.toml");
  const auto& base = suite.variants.at(0).base;
  CHECK(base["training"]["lr"] == 0.2);                   // overridden
  CHECK(base["training"]["epochs"] == 3);                 // inherited
  CHECK(base["architecture"]["options"]["width"] == 16);  // tables merge key by key
  CHECK(base["architecture"]["options"]["embedding_dim"] == 32);
  CHECK(suite.name == "child");

  SECTION("--set overrides both") {
    CHECK(load(dir / "child.toml", {"training.lr=0.3"}).variants.at(0).base["training"]["lr"] == 0.3);
  }
  SECTION("includes nest, relative to the file that names them") {
    write_text(dir / "nested" / "grandchild.toml", "include = [\"../child.toml\"]\n[training]\nepochs = 7\n");
    const auto nested = load(dir / "nested" / "grandchild.toml").variants.at(0).base;
    CHECK(nested["training"]["epochs"] == 7);
    CHECK(nested["training"]["lr"] == 0.2);
  }
}

TEST_CASE("A problem in an included file is located in that file", "[suite][include]") {
  TempDir dir;
  std::string broken = kBase;
  broken.replace(broken.find("epochs = 3"), 10, "epochs = 0");
  write_text(dir / "base.toml", broken);
  write_text(dir / "child.toml", "include = \"base.toml\"\n");
  CHECK_THAT(issues_of(dir / "child.toml"), Catch::Contains("base.toml:16:10") && Catch::Contains("'training.epochs' is 0"));
}

TEST_CASE("A missing include and an include cycle are refused with the including line", "[suite][include]") {
  TempDir dir;
  SECTION("missing") {
    write_text(dir / "child.toml", "include = \"nowhere.toml\"\n");
    CHECK_THAT(issues_of(dir / "child.toml"),
               Catch::Contains("child.toml:1:11") && Catch::Contains("nowhere.toml does not exist"));
  }
  SECTION("cycle") {
    write_text(dir / "a.toml", "include = \"b.toml\"\n");
    write_text(dir / "b.toml", "include = \"a.toml\"\n");
    CHECK_THAT(issues_of(dir / "a.toml"), Catch::Contains("b.toml:1:11") && Catch::Contains("include cycle"));
  }
}

TEST_CASE("A zipped sweep is one axis whose lists advance together", "[suite][sweep]") {
  TempDir dir;
  write_text(dir / "zip.toml", kBase + R"(
[sweep]
"training.momentum" = [0.0, 0.9]

[[sweep.zip]]
"training.batch_size" = [32, 64, 128]
"training.lr" = [0.025, 0.05, 0.1]
)");
  const auto suite = load(dir / "zip.toml");
  const auto& sweep = suite.variants.at(0).sweep;
  REQUIRE(sweep.size() == 2);
  CHECK((sweep[1].keys == std::vector<std::string>{"training.batch_size", "training.lr"}));
  const auto runs = gcbench::plan_runs(suite);
  REQUIRE(runs.size() == 6);
  CHECK((runs[1].swept == json{{"training.momentum", 0.0}, {"training.batch_size", 64}, {"training.lr", 0.05}}));

  SECTION("lists of different lengths are refused") {
    write_text(dir / "bad.toml", kBase + "[[sweep.zip]]\n\"training.batch_size\" = [32, 64]\n\"training.lr\" = [0.1]\n");
    CHECK_THAT(issues_of(dir / "bad.toml"), Catch::Contains("bad.toml:19:17") && Catch::Contains("must be equally long"));
  }
  SECTION("a key swept twice is refused") {
    write_text(dir / "twice.toml", kBase + "[sweep]\n\"training.lr\" = [0.1]\n[[sweep.zip]]\n\"training.lr\" = [0.1]\n");
    CHECK_THAT(issues_of(dir / "twice.toml"), Catch::Contains("'training.lr' is swept twice"));
  }
}

TEST_CASE("Named variants are the suite with their table merged over it", "[suite][variants]") {
  TempDir dir;
  std::string base = kBase;  // conv4's options would be unknown to the mlp variant
  base.erase(base.find("[architecture.options]"), std::string("[architecture.options]\nwidth = 16\n").size());
  write_text(dir / "variants.toml", base + R"(
[variants.lr.sweep]
"training.lr" = [0.01, 0.1]

[variants.wide_mlp]
architecture = { plugin = "mlp", options = { hidden = [32] } }
training = { epochs = 5 }
sweep = { "training.batch_size" = [32, 64, 128] }
)");
  const auto suite = load(dir / "variants.toml");
  REQUIRE(suite.variants.size() == 2);
  CHECK(suite.variants[0].name == "lr");
  CHECK(suite.variants[0].base["architecture"]["options"]["width"] == 64);
  CHECK(suite.variants[1].name == "wide_mlp");
  CHECK(suite.variants[1].base["architecture"]["plugin"] == "mlp");
  CHECK(suite.variants[1].base["architecture"]["options"]["hidden"] == json{32});  // the mlp's options, checked
  const auto runs = gcbench::plan_runs(suite);
  REQUIRE(runs.size() == 5);
  CHECK(runs[4].variant == "wide_mlp");
  CHECK(runs[4].config["training"]["batch_size"] == 128);

  SECTION("--set wins over a variant's own keys") {
    CHECK(suite.variants[1].base["training"]["epochs"] == 5);
    const auto overridden = load(dir / "variants.toml", {"training.epochs=2"});
    CHECK(overridden.variants[1].base["training"]["epochs"] == 2);
  }
  SECTION("--set of a key no variant sets is inherited, and may rename the suite") {
    const auto renamed = load(dir / "variants.toml", {"suite.name=\"renamed\"", "training.momentum=0.5"});
    CHECK(renamed.name == "renamed");
    for (const auto& variant : renamed.variants) CHECK(variant.base["training"]["momentum"] == 0.5);
  }
  SECTION("a variant's mistake names the variant's line") {
    write_text(dir / "bad.toml", kBase + "[variants.fast.training]\nlr = -1.0\n");
    CHECK_THAT(issues_of(dir / "bad.toml"), Catch::Contains("bad.toml:18:6") && Catch::Contains("'training.lr' is -1"));
  }
  SECTION("a variant that switches plugin must not inherit the old plugin's options") {
    write_text(dir / "switch.toml", kBase + "[variants.mlp.architecture]\nplugin = \"mlp\"\n");
    CHECK_THAT(issues_of(dir / "switch.toml"), Catch::Contains("unknown option 'architecture.options.width'"));
  }
}
