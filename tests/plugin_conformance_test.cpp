// `gcbench check-plugin` as the referee of the dataset and architecture
// contracts: a plugin that breaks one rule is refused with exit 1 and a FAIL
// line naming that rule and its remedy; the same plugin keeping every rule passes.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "support/fixtures.hpp"

using gcbench::testing::exit_code;
using gcbench::testing::gcbench_cli;
using gcbench::testing::quoted;

namespace {

std::string check(const std::string& plugin, const std::string& broken) {
  return gcbench_cli(fmt::format("check-plugin {} --plugin-path {} --set broken={}", plugin,
                                 quoted(gcbench::testing::test_plugin_dir("broken")), broken));
}

struct BrokenRule {
  const char* broken;  // the plugin's `broken` option
  const char* rule;    // the rule check-plugin must name
  const char* says;    // a phrase of its detail or remedy
};

// check-plugin exits 1 on `plugin` with `broken`, with a FAIL line naming the rule, the words expected, and a fix.
void refused(const char* plugin, const BrokenRule& expected) {
  INFO(expected.broken);
  const auto output = check(plugin, expected.broken);
  INFO(output);
  CHECK(exit_code(output) == 1);
  CHECK_THAT(output, Catch::Contains(fmt::format("FAIL  [{}]", expected.rule)) && Catch::Contains(expected.says) &&
                         Catch::Contains("fix: "));
}

}  // namespace

TEST_CASE("check-plugin refuses a dataset that breaks one rule, naming the rule and the remedy", "[plugins][conformance]") {
  const auto [broken, rule, says] = GENERATE(values<BrokenRule>({
      {"changes_between_loads", "dataset.same-data-every-load", "derive every choice in load()"},
      {"wrong_shape", "dataset.image-shape", "images are Byte [200, 3, 32, 32]"},
      {"source_test_foreign_classes", "dataset.source-test-classes", "not source classes ('x0', ...)"},
      {"target_reuses_source_names", "dataset.target-classes-new", "target classes named as source classes"},
      {"target_reuses_source_images", "dataset.target-classes-new", "100 of 100 target images (100.0%)"},
      {"source_test_undeclared", "dataset.splits-declared", "splits() = [source_train, target]"},
      {"normalization_unrelated", "dataset.normalization", "gcbench::channel_stats(source_train.images)"},
      {"empty_class", "dataset.labels", "no images of 'c4'"},
      {"labels_out_of_range", "dataset.labels", "labels span 0..5 but there are 5 class names"},
      {"val_reuses_target_names", "dataset.val-classes-new", "also a source or target class: 't0'"},
  }));
  refused("broken_dataset", {broken, rule, says});
}

TEST_CASE("check-plugin refuses an architecture that breaks one rule, naming the rule and the remedy", "[plugins][conformance]") {
  const auto [broken, rule, says] = GENERATE(values<BrokenRule>({
      {"unregistered_batchnorm", "architecture.registered-parameters", "shapes [16], [16]"},
      {"unregistered_batchnorm", "architecture.batch-independent", "a batch norm that eval() does not reach"},
      {"batch_dependent", "architecture.batch-independent", "an explicit mean over dimension 0"},
      {"unregistered_buffer", "architecture.checkpoint", "register_buffer"},
      {"wrong_dimension", "architecture.dimension", "dimension() 16, embedding [2, 8]"},
      {"rejects_shapes", "architecture.output-shape", "threw: broken_architecture: only 32x32 inputs"},
      {"train_not_forwarded", "architecture.modes", "eval(): not all"},
      {"detaches_input", "architecture.input-gradient", "no gradient reached the input"},
      {"stale_when_frozen", "architecture.frozen-parameters", "fold again whenever a parameter or running statistic changes"},
  }));
  refused("broken_architecture", {broken, rule, says});
}

TEST_CASE("check-plugin passes the same test plugins when they keep every rule", "[plugins][conformance]") {
  for (const char* plugin : {"broken_dataset", "broken_architecture"}) {
    const auto output = check(plugin, "none");
    INFO(output);
    CHECK(exit_code(output) == 0);
    CHECK_THAT(output, !Catch::Contains("FAIL"));
  }
}

TEST_CASE("check-plugin passes every in-tree dataset on data in its format", "[plugins][conformance]") {
  gcbench::testing::TempDir dir;
  std::string arguments;
  SECTION("fashion_mnist") {
    gcbench::testing::write_fashion_mnist_fixture(dir / "data", 40, 30);
    arguments = "fashion_mnist";
  }
  SECTION("cifar_fs") {
    gcbench::testing::write_cifar100_fixture(dir / "data", 5);
    arguments = "cifar_fs --set images_per_class=5 --set holdout_per_class=1";
  }
  SECTION("cifar10") {
    gcbench::testing::write_cifar10_fixture(dir / "data", 20);
    arguments = "cifar10 --set records_per_file=20";
  }
  SECTION("mini_imagenet") {
    gcbench::testing::write_mini_imagenet_fixture(dir / "data", 4);
    arguments = "mini_imagenet --set images_per_class=4 --set holdout_per_class=1 --set cache=false";
  }
  const auto output = gcbench_cli("check-plugin " + arguments + " --root " + quoted(dir / "data"));
  INFO(output);
  CHECK(exit_code(output) == 0);
  CHECK_THAT(output, Catch::Contains("[dataset.normalization]") && Catch::Contains("[dataset.same-data-every-load]") &&
                         !Catch::Contains("FAIL"));
}

TEST_CASE("data verify runs the same dataset rules as check-plugin", "[plugins][conformance][datasets]") {
  const auto output = gcbench_cli(fmt::format("data verify broken_dataset --plugin-path {} --set broken=normalization_unrelated",
                                              quoted(gcbench::testing::test_plugin_dir("broken"))));
  INFO(output);
  CHECK(exit_code(output) == 1);
  CHECK_THAT(output, Catch::Contains("FAIL  [dataset.normalization]") && Catch::Contains("not usable"));
}

TEST_CASE("A run refuses a dataset whose source_test classes are not its source classes, before training",
          "[plugins][conformance][cli]") {
  gcbench::testing::TempDir dir;
  gcbench::testing::write_text(dir / "suite.toml", R"([suite]
name = "broken-data"
[dataset]
plugin = "broken_dataset"
[dataset.options]
broken = "source_test_foreign_classes"
[architecture]
plugin = "mlp"
[training]
epochs = 1
[runtime]
threads = 1
)");
  const auto output = gcbench_cli(fmt::format("run {} --plugin-path {} --out {}", quoted(dir / "suite.toml"),
                                              quoted(gcbench::testing::test_plugin_dir("broken")), quoted(dir / "results")));
  INFO(output);
  CHECK(exit_code(output) != 0);
  CHECK_THAT(output, Catch::Contains("dataset plugin 'broken_dataset' breaks its contract") &&
                         Catch::Contains("[dataset.source-test-classes]") && Catch::Contains("check-plugin broken_dataset"));
}
