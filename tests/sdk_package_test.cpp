// The plugin SDK as a plugin author meets it: gcbench installed into a prefix,
// the worked examples of all three kinds built from that prefix alone
// (share/gcbench/examples) as separate CMake projects, checked, and run in suites.
#include <c10/util/Logging.h>
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "record/results_folder.hpp"
#include "support/fixtures.hpp"
#include "support/image_folder_fixture.hpp"

using gcbench::testing::run_command;
using gcbench::testing::TempDir;
namespace fs = std::filesystem;

namespace {

using gcbench::testing::quoted;

// Runs `command`, requiring exit code 0; returns its output.
std::string succeeds(const std::string& command) {
  const auto output = run_command(command);
  INFO(command << "\n" << output);
  REQUIRE(output.rfind("0\n", 0) == 0);
  return output;
}

// Runs dir/suite.toml (a one-run suite named `suite`) with `gcbench` into dir/results; its one record, which must be ok.
gcbench::RunRecord only_run(const std::string& gcbench, const fs::path& dir, const std::string& suite) {
  succeeds(fmt::format("{} run {} --out {}", gcbench, quoted(dir / "suite.toml"), quoted(dir / "results")));
  const auto read = gcbench::ResultsFolder::open(dir / "results" / suite).read_records();
  REQUIRE(read.records.size() == 1);
  REQUIRE(read.records[0].status == gcbench::RunStatus::ok);
  return read.records[0];
}

}  // namespace

TEST_CASE("A plugin author builds the worked examples against an installed gcbench and runs suites with them", "[sdk][slow]") {
  TempDir dir;
  const fs::path prefix = dir / "prefix";
  const std::string cmake = quoted(gcbench::testing::cmake_command());
  succeeds(fmt::format("{} --install {} --prefix {}", cmake, quoted(gcbench::testing::build_dir()), quoted(prefix)));

  SECTION("the package holds the SDK and the real plugins, and no test plugin") {
    for (const char* file :
         {"share/gcbench/examples/lenet_architecture/CMakeLists.txt",
          "share/gcbench/examples/image_folder_dataset/CMakeLists.txt",
          "share/gcbench/examples/finite_difference_gc/CMakeLists.txt", "lib/cmake/gcbench/gcbenchConfig.cmake",
          "lib/cmake/gcbench/gcbenchConfigVersion.cmake", "lib/cmake/gcbench/gcbenchTargets.cmake",
          "lib/cmake/gcbench/GcbenchPlugin.cmake", "lib/libgcbench_sdk.a", "include/gcbench/plugin.hpp",
          "include/gcbench/README.md", "bin/gcbench", "lib/gcbench/plugins/gcbench_gc_estimator_exact.so",
          "lib/gcbench/plugins/gcbench_dataset_mini_imagenet.data/train.csv",
          "lib/gcbench/plugins/gcbench_dataset_mini_imagenet.data/LICENSE"}) {
      INFO(file);
      CHECK(fs::exists(prefix / file));
    }
    for (const auto& entry : fs::directory_iterator(prefix / "lib" / "gcbench" / "plugins")) {
      INFO(entry.path());
      for (const char* test_only : {"throwing", "wrong_abi", "wrong_torch", "no_factory", "biased", "undefined_symbol"}) {
        CHECK(entry.path().filename().string().find(test_only) == std::string::npos);
      }
    }
    const auto listed = succeeds(quoted(prefix / "bin" / "gcbench") + " plugins");
    CHECK_THAT(listed, !Catch::Contains("not loaded"));
    // The installed mini_imagenet reads the split installed beside it: verify gets as far as the images.
    fs::create_directories(dir / "mini");
    const auto verified = gcbench::testing::run_command(
        fmt::format("{} data verify mini_imagenet {}", quoted(prefix / "bin" / "gcbench"), quoted(dir / "mini")));
    CHECK_THAT(verified, Catch::Contains((dir / "mini" / "images").string()) && !Catch::Contains("csv: not found"));
  }

  SECTION("the example builds from its own CMakeLists.txt, passes check-plugin and runs beside exact") {
    const fs::path example = dir / "example-build";
    succeeds(fmt::format("{} -S {} -B {} -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH={}", cmake,
                         quoted(prefix / "share" / "gcbench" / "examples" / "finite_difference_gc"), quoted(example),
                         quoted(prefix)));
    succeeds(fmt::format("{} --build {}", cmake, quoted(example)));
    REQUIRE(fs::exists(example / "gcbench_gc_estimator_finite_difference.so"));

    const std::string gcbench = fmt::format("GCBENCH_PLUGIN_PATH={} {}", quoted(example), quoted(prefix / "bin" / "gcbench"));
    const auto checked = succeeds(gcbench + " check-plugin finite_difference");
    CHECK_THAT(checked, Catch::Contains("5 of 5 checks passed"));

    gcbench::testing::write_fashion_mnist_fixture(dir / "data", 40, 30);
    gcbench::testing::write_text(dir / "suite.toml", fmt::format(R"(
[suite]
name = "with-my-estimator"
[dataset]
plugin = "fashion_mnist"
root = "{}"
[architecture]
plugin = "mlp"
[training]
batch_size = 20
[measure]
gc_samples = 8
gc_estimators = ["exact", "finite_difference"]
[measure.fewshot]
episodes = 5
queries = 5
[estimators.finite_difference]
directions = 64
[runtime]
threads = 1
)",
                                                                 (dir / "data").string()));
    const auto record = only_run(gcbench, dir.path(), "with-my-estimator");
    const auto& gc = record.metrics->source.gc;
    const auto& exact = gc.at("exact");
    const auto& mine = gc.at("finite_difference");
    CHECK(mine.backward_passes == 0);
    // The mlp is smooth almost everywhere: the forward-only estimate lands within a few standard errors.
    CHECK(std::abs(mine.value - exact.value) <= 4 * *mine.standard_error + 0.01 * exact.value);
    CHECK(record.provenance.gc_estimators.at("finite_difference").sha256.size() == 64);
  }

  SECTION("the architecture and dataset examples build from the prefix, pass check-plugin and train together") {
    std::string plugin_path;
    for (const char* example : {"lenet_architecture", "image_folder_dataset"}) {
      const fs::path build = dir / example;
      succeeds(fmt::format("{} -S {} -B {} -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH={}", cmake,
                           quoted(prefix / "share" / "gcbench" / "examples" / example), quoted(build), quoted(prefix)));
      succeeds(fmt::format("{} --build {}", cmake, quoted(build)));
      plugin_path += (plugin_path.empty() ? "" : ":") + build.string();
    }
    const std::string gcbench =
        fmt::format("GCBENCH_PLUGIN_PATH={} {}", quoted(fs::path(plugin_path)), quoted(prefix / "bin" / "gcbench"));
    CHECK_THAT(succeeds(gcbench + " check-plugin lenet"), Catch::Contains("10 of 10 checks passed"));

    const std::vector<std::string> classes = {"ant", "bee", "cat", "dog", "eel", "fox", "gnu", "hen", "ibis", "jay"};
    gcbench::testing::write_image_folder_fixture(dir / "images", classes, 12, 32);
    const std::string options = R"(--set 'target_classes=["fox","gnu","hen","ibis","jay"]' --set test_per_class=2)";
    const auto checked =
        succeeds(fmt::format("{} check-plugin image_folder --root {} {}", gcbench, quoted(dir / "images"), options));
    CHECK_THAT(checked, !Catch::Contains("FAIL") && Catch::Contains("source_train: load() returns the split: 50 images"));

    gcbench::testing::write_text(dir / "suite.toml", fmt::format(R"(
[suite]
name = "my-images-my-net"
[dataset]
plugin = "image_folder"
root = "{}"
[dataset.options]
target_classes = ["fox", "gnu", "hen", "ibis", "jay"]
test_per_class = 2
[architecture]
plugin = "lenet"
[training]
batch_size = 10
epochs = 2
[measure]
gc_samples = 8
[measure.fewshot]
episodes = 5
queries = 5
[runtime]
threads = 1
)",
                                                                 (dir / "images").string()));
    const auto record = only_run(gcbench, dir.path(), "my-images-my-net");
    REQUIRE(record.classes);
    CHECK(record.classes->source == std::vector<std::string>{"ant", "bee", "cat", "dog", "eel"});
    CHECK(record.classes->target == std::vector<std::string>{"fox", "gnu", "hen", "ibis", "jay"});
    CHECK(record.provenance.architecture.sha256.size() == 64);
    CHECK(record.provenance.dataset.sha256.size() == 64);
  }

  SECTION("a plugin that uses a symbol nothing defines fails to link, naming the symbol") {
    const fs::path project = dir / "undefined";
    gcbench::testing::write_text(project / "CMakeLists.txt", R"(cmake_minimum_required(VERSION 3.20)
project(undefined CXX)
find_package(gcbench REQUIRED)
gcbench_add_plugin(undefined KIND architecture SOURCES undefined.cpp)
)");
    fs::copy_file(gcbench::testing::source_dir() / "tests" / "plugins" / "undefined_symbol.cpp", project / "undefined.cpp");
    succeeds(
        fmt::format("{} -S {} -B {} -DCMAKE_PREFIX_PATH={}", cmake, quoted(project), quoted(project / "build"), quoted(prefix)));
    const auto built = run_command(fmt::format("{} --build {}", cmake, quoted(project / "build")));
    CHECK(built.rfind("0\n", 0) != 0);
    CHECK_THAT(built, Catch::Contains("gcbench_test_symbol_nobody_defines"));
  }
}
