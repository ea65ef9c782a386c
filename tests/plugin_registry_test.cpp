#include <ATen/ATen.h>
#include <catch2/catch.hpp>

#include "gcbench/sdk/architecture.hpp"
#include "plugins/plugin_registry.hpp"
#include "support/fixtures.hpp"

using gcbench::PluginKind;
using gcbench::PluginRegistry;
using gcbench::testing::plugin_dir;
using gcbench::testing::test_plugin_dir;

TEST_CASE("Discovery finds every bundled plugin with its kind", "[plugins]") {
  const auto registry = PluginRegistry::discover({plugin_dir()});
  std::set<std::pair<std::string, std::string>> found;
  for (const auto& plugin : registry.plugins()) {
    found.insert({std::string(gcbench::to_string(plugin.info.kind)), plugin.info.name});
    CHECK(plugin.abi_version == gcbench::kAbiVersion);
    CHECK_FALSE(plugin.info.version.empty());
  }
  CHECK(found == std::set<std::pair<std::string, std::string>>{{"architecture", "conv4"},
                                                               {"architecture", "mlp"},
                                                               {"architecture", "resnet12"},
                                                               {"architecture", "resnet18"},
                                                               {"architecture", "vgg11"},
                                                               {"architecture", "vgg13"},
                                                               {"dataset", "cifar10"},
                                                               {"dataset", "cifar_fs"},
                                                               {"dataset", "fashion_mnist"},
                                                               {"dataset", "mini_imagenet"},
                                                               {"gc_estimator", "exact"},
                                                               {"gc_estimator", "hutchinson"},
                                                               {"gc_estimator", "output_sampling"},
                                                               {"gc_estimator", "sampled"}});
  CHECK(registry.rejected().empty());
}

TEST_CASE("A plugin built for another ABI version is refused with both versions named", "[plugins]") {
  const auto file = test_plugin_dir("wrong_abi") / "gcbench_architecture_wrong_abi.so";
  PluginRegistry registry;
  CHECK_THROWS_WITH(registry.load(file), Catch::Contains(file.string()) && Catch::Contains("ABI version 999") &&
                                             Catch::Contains("expects ABI version " + std::to_string(gcbench::kAbiVersion)) &&
                                             Catch::Contains("rebuild"));
  SECTION("discovery keeps it out and says why") {
    const auto discovered = PluginRegistry::discover({plugin_dir(), test_plugin_dir("wrong_abi")});
    REQUIRE(discovered.rejected().size() == 1);
    CHECK(discovered.rejected()[0].file == file);
    CHECK_THROWS_WITH(discovered.find(PluginKind::architecture, "from_the_future"),
                      Catch::Contains("unknown architecture plugin") && Catch::Contains("ABI version 999"));
  }
}

TEST_CASE("A library missing a plugin symbol is refused, naming the symbol", "[plugins]") {
  PluginRegistry registry;
  CHECK_THROWS_WITH(registry.load(test_plugin_dir("no_factory") / "gcbench_architecture_no_factory.so"),
                    Catch::Contains("not a gcbench plugin") && Catch::Contains("gcbench_plugin_info"));
}

TEST_CASE("An unknown plugin name lists the plugins of that kind that exist", "[plugins]") {
  const auto registry = PluginRegistry::discover({plugin_dir()});
  CHECK_THROWS_WITH(
      registry.find(PluginKind::gc_estimator, "exakt"),
      Catch::Contains("unknown gc_estimator plugin 'exakt'") && Catch::Contains("exact, hutchinson, output_sampling, sampled"));
}

TEST_CASE("A plugin whose constructor throws is reported with its name and message", "[plugins]") {
  const auto registry = PluginRegistry::discover({test_plugin_dir("throwing")});
  CHECK_THROWS_WITH(registry.create_architecture("throwing", {}),
                    Catch::Contains("architecture plugin 'throwing'") && Catch::Contains("deliberate failure"));
}

TEST_CASE("A plugin's objects keep working after the registry that loaded them is gone", "[plugins]") {
  std::shared_ptr<gcbench::Architecture> architecture;
  {
    const auto registry = PluginRegistry::discover({plugin_dir()});
    architecture = registry.create_architecture(
        "conv4", gcbench::Options({{"width", std::int64_t{8}}, {"embedding_dim", std::int64_t{16}}}));
  }
  auto network = architecture->build({1, 28, 28}, 5);
  architecture.reset();  // the network alone now holds the library
  network.embedding->eval();
  const auto embedding = network.embedding->forward(at::randn({2, 1, 28, 28}));
  CHECK(embedding.sizes() == at::IntArrayRef{2, 16});
  CHECK(network.head->forward(embedding).sizes() == at::IntArrayRef{2, 5});
}

TEST_CASE("A plugin built against another LibTorch is refused, naming both versions", "[plugins]") {
  PluginRegistry registry;
  CHECK_THROWS_WITH(registry.load(test_plugin_dir("wrong_torch") / "gcbench_architecture_wrong_torch.so"),
                    Catch::Contains("LibTorch 0.0.1-test") && Catch::Contains(std::string("LibTorch ") + TORCH_VERSION) &&
                        Catch::Contains("_GLIBCXX_USE_CXX11_ABI"));
}

TEST_CASE("A plugin built against another LibTorch is refused from its file, without being loaded", "[plugins]") {
  // Loading it would abort this process (its static initialiser does what a second LibTorch's would).
  PluginRegistry registry;
  CHECK_THROWS_WITH(registry.load(test_plugin_dir("wrong_torch_aborts") / "gcbench_architecture_wrong_torch_aborts.so"),
                    Catch::Contains("LibTorch 0.0.2-test") && Catch::Contains(std::string("LibTorch ") + TORCH_VERSION));
}

TEST_CASE("A plugin whose static initialiser aborts is refused by name, and this process lives on", "[plugins]") {
  PluginRegistry registry;
  CHECK_THROWS_WITH(registry.load(test_plugin_dir("aborts_when_loaded") / "gcbench_architecture_aborts_when_loaded.so"),
                    Catch::Contains("gcbench_architecture_aborts_when_loaded.so") && Catch::Contains("signal 6 (Aborted)"));
  registry.load(gcbench::testing::plugin_dir() / "gcbench_architecture_mlp.so");
  CHECK(registry.plugins().size() == 1);
}

TEST_CASE("A plugin that cannot be loaded is refused with the loader's own reason", "[plugins]") {
  SECTION("an undefined symbol is named") {
    PluginRegistry registry;
    CHECK_THROWS_WITH(registry.load(test_plugin_dir("undefined_symbol") / "gcbench_architecture_undefined_symbol.so"),
                      Catch::Contains("undefined symbol") && Catch::Contains("gcbench_test_symbol_nobody_defines"));
  }
  SECTION("a file that is no library says so") {
    gcbench::testing::TempDir dir;
    gcbench::testing::write_text(dir / "gcbench_architecture_text.so", std::string(200, 'x') + "\nnot a library\n");
    PluginRegistry registry;
    CHECK_THROWS_WITH(registry.load(dir / "gcbench_architecture_text.so"),
                      Catch::Contains("gcbench_architecture_text.so") && Catch::Contains("invalid ELF header"));
  }
}

TEST_CASE("Discovery warns about a plugin folder that does not exist and a misnamed plugin file", "[plugins]") {
  gcbench::testing::TempDir dir;
  std::filesystem::copy_file(plugin_dir() / "gcbench_architecture_mlp.so", dir / "my_mlp.so");
  const auto registry = PluginRegistry::discover({dir / "no-such-folder", dir.path()});
  REQUIRE(registry.warnings().size() == 2);
  CHECK_THAT(registry.warnings()[0], Catch::Contains("no-such-folder") && Catch::Contains("does not exist"));
  CHECK_THAT(registry.warnings()[1], Catch::Contains("my_mlp.so") && Catch::Contains("gcbench_<kind>_<name>.so"));
  CHECK(registry.plugins().empty());
}

TEST_CASE("Every loaded plugin carries the SHA-256 of its file", "[plugins]") {
  const auto registry = PluginRegistry::discover({plugin_dir()});
  for (const auto& plugin : registry.plugins()) {
    INFO(plugin.file);
    CHECK(plugin.sha256.size() == 64);
    CHECK(plugin.libtorch_version == TORCH_VERSION);
  }
}

TEST_CASE("check-plugin passes every in-tree estimator and fails a biased one, naming the check", "[plugins][cli]") {
  const std::string exe = gcbench::testing::gcbench_executable().string();
  for (const char* estimator : {"exact", "hutchinson", "output_sampling", "sampled"}) {
    INFO(estimator);
    const auto output = gcbench::testing::run_command(exe + " check-plugin " + estimator);
    CHECK_THAT(output, Catch::StartsWith("0\n") && Catch::Contains("5 of 5 checks passed"));
  }
  const auto biased =
      gcbench::testing::run_command(exe + " check-plugin biased --plugin-path " + test_plugin_dir("biased").string());
  CHECK_THAT(biased, Catch::StartsWith("1\n") &&
                         Catch::Contains("FAIL  [estimator.closed-form] linear embedding: the estimate is ||W||_F^2") &&
                         Catch::Contains("FAIL  [estimator.full-jacobian] tanh network"));
  CHECK_THAT(gcbench::testing::run_command(exe + " check-plugin no_such_plugin"), Catch::StartsWith("2\n"));
}

TEST_CASE("check-plugin passes every in-tree architecture", "[plugins][cli]") {
  const std::string exe = gcbench::testing::gcbench_executable().string();
  for (const char* architecture : {"conv4", "mlp", "resnet12", "resnet18", "vgg11", "vgg13"}) {
    INFO(architecture);
    CHECK_THAT(gcbench::testing::run_command(exe + " check-plugin " + architecture),
               Catch::StartsWith("0\n") && Catch::Contains("10 of 10 checks passed"));
  }
}
