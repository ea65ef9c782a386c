#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <set>

#include "gcbench/sdk/dataset.hpp"
#include "image_cache.hpp"
#include "measure/episodes.hpp"
#include "support/fixtures.hpp"
#include "support/plugin_options.hpp"

using gcbench::testing::run_command;

using gcbench::PluginKind;
using gcbench::SplitRole;
using gcbench::testing::bundled_plugins;
using gcbench::testing::options_for;
using gcbench::testing::TempDir;
namespace fs = std::filesystem;

namespace {

std::shared_ptr<gcbench::Dataset> cifar_fs(const fs::path& root) {
  return bundled_plugins().create_dataset(
      "cifar_fs", root,
      options_for(PluginKind::dataset, "cifar_fs",
                  {{"images_per_class", std::int64_t{5}}, {"holdout_per_class", std::int64_t{1}}}));
}

std::shared_ptr<gcbench::Dataset> mini_imagenet(const fs::path& root, std::map<std::string, gcbench::OptionValue> more = {}) {
  more.emplace("images_per_class", std::int64_t{3});
  more.emplace("holdout_per_class", std::int64_t{1});
  return bundled_plugins().create_dataset("mini_imagenet", root, options_for(PluginKind::dataset, "mini_imagenet", more));
}

std::set<std::string> classes_of(const gcbench::ImageSet& set) { return {set.class_names.begin(), set.class_names.end()}; }

// No class may be in two of source, target and val.
void check_disjoint(const gcbench::Dataset& dataset) {
  std::set<std::string> seen;
  for (const auto role : {SplitRole::source_train, SplitRole::target, SplitRole::val}) {
    for (const auto& name : classes_of(dataset.load(role))) CHECK(seen.insert(name).second);
  }
  CHECK(classes_of(dataset.load(SplitRole::source_test)) == classes_of(dataset.load(SplitRole::source_train)));
}

}  // namespace

TEST_CASE("cifar_fs reads the CIFAR-100 binary format pixel for pixel and splits 64/16/20", "[datasets]") {
  TempDir dir;
  gcbench::testing::write_cifar100_fixture(dir.path(), 5);
  const auto dataset = cifar_fs(dir.path());
  const auto train = dataset->load(SplitRole::source_train);
  const auto test = dataset->load(SplitRole::source_test);
  const auto target = dataset->load(SplitRole::target);
  const auto val = dataset->load(SplitRole::val);
  CHECK(train.class_names.size() == 64);
  CHECK(train.images.size(0) == 64 * 4);
  CHECK(test.images.size(0) == 64 * 1);
  CHECK(target.images.size(0) == 20 * 5);
  CHECK(val.images.size(0) == 16 * 5);
  CHECK(target.class_names.front() == "whale");
  CHECK(val.class_names.front() == "beaver");
  check_disjoint(*dataset);

  // Class "whale" is label 95 in the release; its image 2 has channel values (95 + 14, 95, 2).
  const auto whale_2 = target.images[2];
  CHECK(at::equal(whale_2[0], at::full({32, 32}, 95 + 14, at::kByte)));
  CHECK(at::equal(whale_2[1], at::full({32, 32}, 95, at::kByte)));
  CHECK(at::equal(whale_2[2], at::full({32, 32}, 2, at::kByte)));
  // The hold-out is each class's last image in pool order (the one from test.bin).
  CHECK(test.images[0][2][0][0].item<std::uint8_t>() == 4);
}

TEST_CASE("cifar_fs refuses a truncated file and a short class", "[datasets]") {
  TempDir dir;
  gcbench::testing::write_cifar100_fixture(dir.path(), 5);
  SECTION("cut mid-record") {
    fs::resize_file(dir / "train.bin", fs::file_size(dir / "train.bin") - 100);
    CHECK_THROWS_WITH(cifar_fs(dir.path()), Catch::Contains("train.bin") && Catch::Contains("truncated"));
  }
  SECTION("cut at a record boundary") {
    fs::resize_file(dir / "test.bin", fs::file_size(dir / "test.bin") - 3074);
    CHECK_THROWS_WITH(cifar_fs(dir.path()), Catch::Contains("expected 5") && Catch::Contains("truncated"));
  }
  SECTION("missing") {
    fs::remove(dir / "fine_label_names.txt");
    CHECK_THROWS_WITH(cifar_fs(dir.path()),
                      Catch::Contains("fine_label_names.txt: not found") && Catch::Contains("cifar-100-binary"));
  }
}

TEST_CASE("cifar10 reads its six batch files and has no target split", "[datasets]") {
  TempDir dir;
  gcbench::testing::write_cifar10_fixture(dir.path(), 20);
  const auto options = options_for(PluginKind::dataset, "cifar10", {{"records_per_file", std::int64_t{20}}});
  const auto dataset = bundled_plugins().create_dataset("cifar10", dir.path(), options);
  const auto train = dataset->load(SplitRole::source_train);
  CHECK(train.images.size(0) == 100);
  CHECK(dataset->load(SplitRole::source_test).images.size(0) == 20);
  CHECK(train.class_names.size() == 10);
  CHECK(at::equal(train.images[25][1], at::full({32, 32}, 2, at::kByte)));  // batch 2, record 5
  CHECK(train.labels[25].item<std::int64_t>() == 5);
  CHECK(dataset->splits().size() == 2);
  CHECK_THROWS_WITH(dataset->load(SplitRole::target), Catch::Contains("no target split"));
  SECTION("a short batch file is refused") {
    fs::resize_file(dir / "data_batch_3.bin", 19 * 3073);
    CHECK_THROWS_WITH(bundled_plugins().create_dataset("cifar10", dir.path(), options),
                      Catch::Contains("data_batch_3.bin: holds 19 records") && Catch::Contains("expected 20"));
  }
}

TEST_CASE("mini_imagenet decodes the CSV and JPEG layout into 84x84 images and splits 64/16/20", "[datasets]") {
  TempDir dir;
  gcbench::testing::write_mini_imagenet_fixture(dir / "mini", 3);
  const auto dataset = mini_imagenet(dir / "mini");
  const auto train = dataset->load(SplitRole::source_train);
  const auto target = dataset->load(SplitRole::target);
  CHECK(train.images.sizes() == at::IntArrayRef{64 * 2, 3, 84, 84});
  CHECK(dataset->load(SplitRole::source_test).images.size(0) == 64);
  CHECK(target.images.size(0) == 60);
  CHECK(dataset->load(SplitRole::val).class_names.size() == 16);
  CHECK(target.class_names == gcbench::testing::mini_imagenet_test_wnids());
  check_disjoint(*dataset);
  // Test class 0 is colour 81 (after 64 train and 16 val classes): flat (81, 162, 174), JPEG within a few levels,
  // including its third image, which was 100x90 and resized.
  for (std::int64_t i : {0, 2}) {
    const auto image = target.images[i].to(at::kInt);
    CHECK((image[0] - 81).abs().max().item<int>() <= 3);
    CHECK((image[1] - 162).abs().max().item<int>() <= 3);
    CHECK((image[2] - 174).abs().max().item<int>() <= 3);
  }
}

TEST_CASE("mini_imagenet reuses its decoded cache and rebuilds it when an image changes", "[datasets]") {
  TempDir dir;
  gcbench::testing::write_mini_imagenet_fixture(dir / "mini", 3);
  const auto cache = dir / "mini" / ".gcbench-cache" / "mini_imagenet-test-84.u8";
  const auto first = mini_imagenet(dir / "mini")->load(SplitRole::target);
  REQUIRE(fs::exists(cache));

  // Mark the cached pixels: a reload that shows the mark read the cache, not the JPEGs.
  {
    std::fstream file(cache, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(fs::file_size(cache) - 1));
    file.put(static_cast<char>(7));
  }
  const auto cached = mini_imagenet(dir / "mini")->load(SplitRole::target);
  CHECK(cached.images[59][2][83][83].item<std::uint8_t>() == 7);

  fs::last_write_time(dir / "mini" / "images" / (gcbench::testing::mini_imagenet_test_wnids()[0] + "00000000.jpg"),
                      fs::file_time_type::clock::now());
  const auto rebuilt = mini_imagenet(dir / "mini")->load(SplitRole::target);
  CHECK(at::equal(rebuilt.images, first.images));

  SECTION("without the cache nothing is written") {
    TempDir other;
    gcbench::testing::write_mini_imagenet_fixture(other / "mini", 3);
    mini_imagenet(other / "mini", {{"cache", false}})->load(SplitRole::target);
    CHECK_FALSE(fs::exists(other / "mini" / ".gcbench-cache"));
  }
}

TEST_CASE("mini_imagenet names the CSV row of a missing image and the file of an undecodable one", "[datasets]") {
  TempDir dir;
  gcbench::testing::write_mini_imagenet_fixture(dir / "mini", 3);
  const auto first_test_image = dir / "mini" / "images" / (gcbench::testing::mini_imagenet_test_wnids()[0] + "00000001.jpg");
  SECTION("missing") {
    fs::remove(first_test_image);
    CHECK_THROWS_WITH(mini_imagenet(dir / "mini")->load(SplitRole::target),
                      Catch::Contains("test.csv:3 names") && Catch::Contains("does not exist"));
  }
  SECTION("undecodable") {
    gcbench::testing::write_text(first_test_image, "not a jpeg at all");
    CHECK_THROWS_WITH(mini_imagenet(dir / "mini")->load(SplitRole::target),
                      Catch::Contains(first_test_image.string()) && Catch::Contains("not a decodable JPEG"));
  }
  SECTION("a truncated CSV") {
    std::ifstream in(dir / "mini" / "val.csv");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    gcbench::testing::write_text(dir / "mini" / "val.csv", text.substr(0, text.rfind('\n', text.size() - 2) + 1));
    CHECK_THROWS_WITH(mini_imagenet(dir / "mini"), Catch::Contains("val.csv: lists 2 images of class n09256479, expected 3"));
  }
}

TEST_CASE("Episodes on a dataset's target split are the same at any thread count", "[datasets][fewshot]") {
  TempDir dir;
  gcbench::testing::write_cifar100_fixture(dir.path(), 5);
  const auto labels = cifar_fs(dir.path())->load(SplitRole::target).labels;
  at::set_num_threads(1);
  const gcbench::EpisodeSampler one(labels, 11, "target");
  const auto a = one.episode(17, 5, 1, 4);
  at::set_num_threads(2);
  const gcbench::EpisodeSampler two(labels, 11, "target");
  const auto b = two.episode(17, 5, 1, 4);
  CHECK(a.support == b.support);
  CHECK(a.query == b.query);
}

TEST_CASE("gcbench data verify checks a dataset and prints its splits", "[datasets][cli]") {
  TempDir dir;
  gcbench::testing::write_cifar100_fixture(dir / "cifar", 5);
  const std::string exe = gcbench::testing::gcbench_executable().string();
  const auto ok = run_command(exe + " data verify cifar_fs " + (dir / "cifar").string() +
                              " --set images_per_class=5 --set holdout_per_class=1");
  CHECK_THAT(ok, Catch::StartsWith("0\n") && Catch::Contains("source_train") && Catch::Contains("256 images") &&
                     Catch::Contains("cifar_fs: ok"));
  fs::resize_file(dir / "cifar" / "train.bin", 3074 * 10 + 5);
  CHECK_THAT(run_command(exe + " data verify cifar_fs " + (dir / "cifar").string() +
                         " --set images_per_class=5 --set holdout_per_class=1"),
             Catch::StartsWith("1\n") && Catch::Contains("train.bin"));
}
