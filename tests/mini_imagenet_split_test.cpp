// The Ravi-Larochelle split ships beside the mini_imagenet plugin: its files and
// their published digests, which CSVs a dataset folder uses (the user's take
// precedence), what the plugin says of that, and `data prepare` with nothing
// in ROOT but the ImageNet source.
#include <ATen/ATen.h>
#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "gcbench/sdk/dataset.hpp"
#include "jpeg_codec.hpp"
#include "plugins/plugin_registry.hpp"
#include "split_files.hpp"
#include "support/fixtures.hpp"
#include "support/plugin_options.hpp"

namespace {
namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using gcbench::PluginKind;
using gcbench::testing::TempDir;

// As twitter-research/meta-learning-lstm publishes them (data/miniImagenet/).
const std::map<std::string, std::string> kPublished = {
    {"train.csv", "498519cd8e49ce97ed26a4a3638966698ae41ab35e9c68538319fc9b46ba7d2f"},
    {"val.csv", "5658a59921ca027ee76af92949869c5d6f41d77592ff3b18db325a9d10c893b9"},
    {"test.csv", "2b7cfa78342995761a572a8158e539bc4e0a80f9bbd7d00c1e17a460fbbb93fa"}};

fs::path shipped_folder() { return gcbench::testing::plugin_dir() / "gcbench_dataset_mini_imagenet.data"; }

std::shared_ptr<gcbench::Dataset> mini_imagenet(const gcbench::PluginRegistry& registry, const fs::path& root,
                                                std::map<std::string, gcbench::OptionValue> options = {}) {
  return registry.create_dataset("mini_imagenet", root,
                                 gcbench::testing::options_for(PluginKind::dataset, "mini_imagenet", std::move(options)));
}

const std::map<std::string, gcbench::OptionValue> kThreePerClass = {{"images_per_class", std::int64_t{3}},
                                                                    {"holdout_per_class", std::int64_t{1}}};

}  // namespace

TEST_CASE("The Ravi-Larochelle split lies beside the built plugin with its licence, at its published digests",
          "[mini_imagenet]") {
  for (const char* file : {"train.csv", "val.csv", "test.csv", "LICENSE", "README.md"}) {
    INFO(file);
    CHECK(fs::exists(shipped_folder() / file));
  }
  CHECK_THAT(gcbench::testing::read_text(shipped_folder() / "LICENSE"), Contains("MIT License") && Contains("Twitter"));
  const auto readme = gcbench::testing::read_text(shipped_folder() / "README.md");
  for (const auto& [file, sha256] : kPublished) {
    INFO(file);
    CHECK(gcbench::mini_imagenet::sha256_of_file(shipped_folder() / file) == sha256);
    CHECK_THAT(readme, Contains("| " + file + " |") && Contains(sha256));
  }
}

TEST_CASE("mini_imagenet reads the shipped split when its folder has no CSVs, and says so in data_sources", "[mini_imagenet]") {
  TempDir dir;
  fs::create_directories(dir / "mini");
  const auto dataset = mini_imagenet(gcbench::testing::bundled_plugins(), dir / "mini");
  const auto sources = dataset->data_sources();
  CHECK(sources.at("split") == "shipped");
  CHECK(fs::equivalent(sources.at("split_folder"), shipped_folder()));
  for (const auto& [file, sha256] : kPublished) CHECK(sources.at(file) == "sha256:" + sha256);
  // The split is the real one: its first target image is wanted from the folder's images/.
  CHECK_THROWS_WITH(dataset->load(gcbench::SplitRole::target), Contains((dir / "mini" / "images").string()));
}

TEST_CASE("A dataset folder's own CSVs take precedence over the shipped split", "[mini_imagenet]") {
  TempDir dir;
  gcbench::testing::write_mini_imagenet_fixture(dir / "mini", 3);
  const auto dataset = mini_imagenet(gcbench::testing::bundled_plugins(), dir / "mini", kThreePerClass);
  const auto sources = dataset->data_sources();
  CHECK(sources.at("split") == "root");
  CHECK(sources.at("split_folder") == (dir / "mini").string());
  CHECK(sources.at("train.csv") == "sha256:" + gcbench::mini_imagenet::sha256_of_file(dir / "mini" / "train.csv"));
  CHECK(dataset->load(gcbench::SplitRole::target).images.size(0) == 20 * 3);
  const auto verified = gcbench::testing::gcbench_cli(fmt::format(
      "data verify mini_imagenet {} --set images_per_class=3 --set holdout_per_class=1", gcbench::testing::quoted(dir / "mini")));
  INFO(verified);
  CHECK(gcbench::testing::exit_code(verified) == 0);
  CHECK_THAT(verified, Contains("data source split: root"));

  SECTION("a folder with some of the three CSVs is refused, naming the ones it has and lacks") {
    fs::remove(dir / "mini" / "val.csv");
    CHECK_THROWS_WITH(mini_imagenet(gcbench::testing::bundled_plugins(), dir / "mini", kThreePerClass),
                      Contains("holds train.csv, test.csv but not val.csv") && Contains("a split is all three CSVs"));
  }
}

TEST_CASE("A shipped split file that was changed is refused, naming the file and both digests", "[mini_imagenet]") {
  TempDir dir;
  // A copy of the installed plugin with its data folder, as another prefix would hold it.
  const fs::path plugins = dir / "plugins";
  fs::create_directories(plugins);
  fs::copy_file(gcbench::testing::plugin_dir() / "gcbench_dataset_mini_imagenet.so",
                plugins / "gcbench_dataset_mini_imagenet.so");
  fs::copy(shipped_folder(), plugins / "gcbench_dataset_mini_imagenet.data");
  const auto registry = gcbench::PluginRegistry::discover({plugins});
  fs::create_directories(dir / "mini");

  SECTION("an intact copy is read from where the plugin lies") {
    CHECK(mini_imagenet(registry, dir / "mini")->data_sources().at("split_folder") ==
          (plugins / "gcbench_dataset_mini_imagenet.data").string());
  }
  SECTION("a plugin found through a relative folder names its split folder whole") {
    const auto before = fs::current_path();
    fs::current_path(dir.path());
    const auto relative = gcbench::PluginRegistry::discover({"plugins"});
    const auto sources = mini_imagenet(relative, dir / "mini")->data_sources();
    fs::current_path(before);
    CHECK(sources.at("split_folder") == (plugins / "gcbench_dataset_mini_imagenet.data").string());
  }
  SECTION("a changed val.csv") {
    const auto val = plugins / "gcbench_dataset_mini_imagenet.data" / "val.csv";
    gcbench::testing::write_text(val, gcbench::testing::read_text(val) + "n0185567200001300.jpg,n01855672\n");
    CHECK_THROWS_WITH(mini_imagenet(registry, dir / "mini"), Contains(val.string() + ": sha256 ") &&
                                                                 Contains(kPublished.at("val.csv")) &&
                                                                 Contains("reinstall gcbench, or put your own"));
  }
  SECTION("a missing test.csv") {
    fs::remove(plugins / "gcbench_dataset_mini_imagenet.data" / "test.csv");
    CHECK_THROWS_WITH(mini_imagenet(registry, dir / "mini"), Contains("test.csv: not found, though gcbench installs"));
  }
}

TEST_CASE("prepare with no CSVs in ROOT builds the shipped split's images, stopping at the first class folder it lacks",
          "[mini_imagenet]") {
  TempDir dir;
  // The first class the split wants (n01532829), with as many files as its highest index (1298); no other class.
  const std::string first = "n01532829";
  fs::create_directories(dir / "imagenet" / first);
  for (int i = 1; i <= 1298; ++i) {
    const auto image = at::full({3, 8, 8}, i % 256, at::kByte);
    gcbench::jpeg::encode(dir / "imagenet" / first / fmt::format("{}_{:05d}.JPEG", first, i), image);
  }
  fs::create_directories(dir / "mini");
  const auto out = gcbench::testing::gcbench_cli(fmt::format("data prepare mini_imagenet {} --from-imagenet {}",
                                                             gcbench::testing::quoted(dir / "mini"),
                                                             gcbench::testing::quoted(dir / "imagenet")));
  INFO(out);
  CHECK(gcbench::testing::exit_code(out) == 1);
  CHECK_THAT(out, Contains((dir / "imagenet" / "n01558993").string() + ": class folder not found") &&
                      Contains(shipped_folder().filename().string() + "/train.csv:"));
  std::size_t written = 0;
  for (const auto& entry : fs::directory_iterator(dir / "mini" / "images")) {
    written += entry.path().filename().string().rfind(first, 0) == 0 && entry.path().extension() == ".jpg";
  }
  CHECK(written == 600);
  // Row 2 of train.csv wants n0153282900000005.jpg: the 5th file, sorted by name.
  const auto image = gcbench::jpeg::decode_all({dir / "mini" / "images" / (first + "00000005.jpg")}, 84, 1)[0];
  CHECK(std::abs(image.to(at::kFloat).mean().item<float>() - 5) < 2);
}
