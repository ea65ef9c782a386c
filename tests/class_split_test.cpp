// Class splits as a random factor: drawn from a seed, disjoint, the same on
// every platform, offered by the datasets whose classes can be re-split, and
// read by the report within each split.
#include <c10/util/Logging.h>
#include <catch2/catch.hpp>

#include <cmath>
#include <set>

#include "gcbench/sdk/class_split.hpp"
#include "gcbench/sdk/dataset.hpp"
#include "report/split_statistics.hpp"
#include "support/fixtures.hpp"
#include "support/plugin_options.hpp"

using Catch::Detail::Approx;
using gcbench::PluginKind;
using gcbench::testing::bundled_plugins;
using gcbench::testing::options_for;
using gcbench::testing::TempDir;

TEST_CASE("A random class split is reproducible from its seed, disjoint and sized as asked", "[splits]") {
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    const auto split = gcbench::random_class_split(10, 5, 4, seed);
    const auto again = gcbench::random_class_split(10, 5, 4, seed);
    CHECK(split.source == again.source);
    CHECK(split.target == again.target);
    REQUIRE(split.source.size() == 5);
    REQUIRE(split.target.size() == 4);
    std::set<std::int64_t> all(split.source.begin(), split.source.end());
    all.insert(split.target.begin(), split.target.end());
    CHECK(all.size() == 9);
    CHECK(*all.rbegin() <= 9);
    CHECK(std::is_sorted(split.source.begin(), split.source.end()));
  }
  std::set<std::vector<std::int64_t>> sources;
  for (std::uint64_t seed = 0; seed < 20; ++seed) sources.insert(gcbench::random_class_split(10, 5, 5, seed).source);
  CHECK(sources.size() > 10);  // seeds draw different splits
}

TEST_CASE("A random class split is the same on every platform: seed 0 of 10 classes is fixed", "[splits]") {
  const auto split = gcbench::random_class_split(10, 5, 5, 0);
  CHECK(split.source == std::vector<std::int64_t>{2, 3, 6, 8, 9});
  CHECK(split.target == std::vector<std::int64_t>{0, 1, 4, 5, 7});
}

TEST_CASE("A class split that does not fit the pool is refused", "[splits]") {
  CHECK_THROWS_WITH(gcbench::random_class_split(10, 6, 5, 0), Catch::Contains("the pool has 10 classes"));
  CHECK_THROWS(gcbench::random_class_split(10, 0, 5, 0));
}

TEST_CASE("fashion_mnist draws its source and target classes from split_seed", "[splits][datasets]") {
  TempDir dir;
  gcbench::testing::write_fashion_mnist_fixture(dir / "data", 12, 6);
  const auto dataset = bundled_plugins().create_dataset(
      "fashion_mnist", dir / "data", options_for(PluginKind::dataset, "fashion_mnist", {{"split_seed", std::int64_t{7}}}));
  const auto split = gcbench::random_class_split(10, 5, 5, 7);
  const std::vector<std::string> names = {"t-shirt_top", "trouser", "pullover", "dress", "coat",
                                          "sandal",      "shirt",   "sneaker",  "bag",   "ankle_boot"};
  std::vector<std::string> source, target;
  for (const auto c : split.source) source.push_back(names[c]);
  for (const auto c : split.target) target.push_back(names[c]);
  CHECK(dataset->load(gcbench::SplitRole::source_train).class_names == source);
  CHECK(dataset->load(gcbench::SplitRole::source_test).class_names == source);
  CHECK(dataset->load(gcbench::SplitRole::target).class_names == target);
}

TEST_CASE("fashion_mnist refuses split_seed together with class lists, and counts past 10 classes", "[splits][datasets]") {
  const auto& plugin = bundled_plugins().find(PluginKind::dataset, "fashion_mnist");
  REQUIRE(plugin.info.check_options);
  const auto both = plugin.info.check_options(
      options_for(PluginKind::dataset, "fashion_mnist",
                  {{"split_seed", std::int64_t{1}}, {"source_classes", std::vector<std::int64_t>{0, 1}}}));
  REQUIRE(both.size() == 1);
  CHECK_THAT(both[0], Catch::Contains("not both"));
  const auto too_many = plugin.info.check_options(
      options_for(PluginKind::dataset, "fashion_mnist",
                  {{"split_seed", std::int64_t{1}}, {"source_count", std::int64_t{6}}, {"target_count", std::int64_t{5}}}));
  REQUIRE(too_many.size() == 1);
  CHECK_THAT(too_many[0], Catch::Contains("Fashion-MNIST has 10 classes"));
}

TEST_CASE("cifar10 with split_seed has a target split of the drawn classes from the test batch", "[splits][datasets]") {
  TempDir dir;
  gcbench::testing::write_cifar10_fixture(dir / "cifar10", 50);
  const auto dataset = bundled_plugins().create_dataset("cifar10", dir / "cifar10",
                                                        options_for(PluginKind::dataset, "cifar10",
                                                                    {{"records_per_file", std::int64_t{50}},
                                                                     {"split_seed", std::int64_t{3}},
                                                                     {"source_count", std::int64_t{6}},
                                                                     {"target_count", std::int64_t{4}}}));
  const auto split = gcbench::random_class_split(10, 6, 4, 3);
  REQUIRE(dataset->splits().size() == 3);
  const auto target = dataset->load(gcbench::SplitRole::target);
  CHECK(target.class_names.size() == 4);
  CHECK(target.images.size(0) == 4 * 5);  // 50 test records, labels cycling 0..9: 5 per class
  CHECK(dataset->load(gcbench::SplitRole::source_train).class_names.size() == 6);
  CHECK(dataset->load(gcbench::SplitRole::source_train).images.size(0) == 6 * 25);
}

TEST_CASE("The pooled within-split correlation is the run-weighted mean of the per-split rhos", "[splits][report]") {
  // Split a: rho +1 over 3 runs; b: -1 over 4; c: +0.5 over 3; pooled (3 - 4 + 1.5) / 10.
  const std::vector<std::string> split = {"a", "a", "a", "b", "b", "b", "b", "c", "c", "c"};
  const std::vector<double> x = {1, 2, 3, 1, 2, 3, 4, 1, 2, 3};
  const std::vector<double> y = {1, 2, 3, 4, 3, 2, 1, 1, 3, 2};
  const auto result = gcbench::split_aware_spearman(split, x, y, 11);
  REQUIRE(result.per_split.size() == 3);
  CHECK(result.per_split[0].correlation.rho == Approx(1));
  CHECK(result.per_split[1].correlation.rho == Approx(-1));
  CHECK(result.per_split[2].correlation.rho == Approx(0.5));
  CHECK(result.pooled.rho == Approx(0.05));
  CHECK(result.pooled.splits == 3);
  CHECK(result.pooled.runs == 10);
  CHECK(result.pooled.low <= result.pooled.high);
}

TEST_CASE("The pooled interval is reproducible from its seed and says when it covers 0", "[splits][report]") {
  std::vector<std::string> split;
  std::vector<double> x, y;
  for (int s = 0; s < 3; ++s) {
    for (int i = 0; i < 10; ++i) {
      split.push_back("split" + std::to_string(s));
      x.push_back(i + 100.0 * s);                       // each split on its own scale
      y.push_back(2.0 * i + ((i * 7) % 3) - 50.0 * s);  // rising within every split, falling across them
    }
  }
  const auto first = gcbench::split_aware_spearman(split, x, y, 5);
  const auto again = gcbench::split_aware_spearman(split, x, y, 5);
  CHECK(first.pooled.low == again.pooled.low);
  CHECK(first.pooled.high == again.pooled.high);
  CHECK(first.pooled.rho > 0.9);
  CHECK_FALSE(first.pooled.covers_zero());
  CHECK(gcbench::spearman_rho(x, y) < 0);  // pooling raw values reverses the sign

  const std::vector<std::string> one = {"s", "s", "s", "s", "s", "s"};
  const auto noise = gcbench::split_aware_spearman(one, {1, 2, 3, 4, 5, 6}, {3, 1, 4, 1, 5, 2}, 5);
  CHECK(noise.pooled.covers_zero());
}
