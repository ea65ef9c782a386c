// mini_imagenet: mini-ImageNet in the Ravi-Larochelle layout: train.csv, val.csv,
// test.csv ("filename,label" rows, 600 per class; 64 / 16 / 20 classes) and an
// images/ folder of JPEGs, resized to 84x84 when they are not already. The
// CSVs are the dataset folder's own when it has them, else the published split
// shipped beside the plugin (split_files.hpp); data_sources() says which. Decoded
// once, on several threads, into a uint8 cache that later runs reuse and that is
// rebuilt when a CSV or an image changes. train.csv's classes are the source,
// each keeping a fixed hold-out (its last `holdout_per_class` rows) as
// source_test; test.csv's classes are the target; val.csv's are val. It has no
// public download: `gcbench data prepare mini_imagenet --from-imagenet DIR`
// builds images/ from ImageNet (prepare_from_imagenet.hpp).
#include <ATen/ATen.h>
#include <gcbench/plugin.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "csv_split.hpp"
#include "image_cache.hpp"
#include "jpeg_codec.hpp"
#include "prepare_from_imagenet.hpp"
#include "split_files.hpp"

namespace {
namespace fs = std::filesystem;

using gcbench::mini_imagenet::CsvSplit;
using gcbench::mini_imagenet::read_csv;

const std::set<std::string> kTestWnids = {"n01930112", "n01981276", "n02099601", "n02110063", "n02110341",
                                          "n02116738", "n02129165", "n02219486", "n02443484", "n02871525",
                                          "n03127925", "n03146219", "n03272010", "n03544143", "n03775546",
                                          "n04146614", "n04149813", "n04418357", "n04522168", "n07613480"};
const std::set<std::string> kValWnids = {"n01855672", "n02091244", "n02114548", "n02138441", "n02174001", "n02950826",
                                         "n02971356", "n02981792", "n03075370", "n03417042", "n03535780", "n03584254",
                                         "n03770439", "n03773504", "n03980874", "n09256479"};
constexpr const char* kWhere =
    "mini_imagenet reads the Ravi-Larochelle layout (train.csv, val.csv, test.csv and images/); point dataset.root "
    "at that folder or set GCBENCH_DATA";

class MiniImageNet : public gcbench::Dataset {
 public:
  MiniImageNet(const fs::path& root, const gcbench::Options& options)
      : root_(root),
        per_class_(options.get<std::int64_t>("images_per_class")),
        holdout_(options.get<std::int64_t>("holdout_per_class")),
        size_(options.get<std::int64_t>("image_size")),
        use_cache_(options.get<bool>("cache")),
        cache_dir_(options.get<std::string>("cache_dir")) {
    if (root.empty()) throw std::runtime_error(std::string("no data folder given; ") + kWhere);
    if (holdout_ >= per_class_) throw std::invalid_argument("holdout_per_class must be below images_per_class");
    const bool check = options.get<bool>("check_class_lists");
    split_ = gcbench::mini_imagenet::find_split_files(root, gcbench::plugin_data_folder());
    const fs::path images = root / "images";
    train_ = read_csv(split_.folder / "train.csv", images, per_class_, 64, nullptr);
    val_ = read_csv(split_.folder / "val.csv", images, per_class_, 16, check ? &kValWnids : nullptr);
    test_ = read_csv(split_.folder / "test.csv", images, per_class_, 20, check ? &kTestWnids : nullptr);
    for (const auto& wnid : train_.wnids) {
      if (kValWnids.count(wnid) || kTestWnids.count(wnid)) {
        throw std::runtime_error((split_.folder / "train.csv").string() + ": class " + wnid +
                                 " belongs to the val or test split");
      }
    }
  }

  gcbench::ImageShape image_shape() const override { return {3, size_, size_}; }

  std::vector<gcbench::SplitRole> splits() const override {
    using gcbench::SplitRole;
    return {SplitRole::source_train, SplitRole::source_test, SplitRole::target, SplitRole::val};
  }

  gcbench::ImageSet load(gcbench::SplitRole role) const override {
    switch (role) {
      case gcbench::SplitRole::source_train:
        return part(train_, "train", 0, per_class_ - holdout_);
      case gcbench::SplitRole::source_test:
        return part(train_, "train", per_class_ - holdout_, per_class_);
      case gcbench::SplitRole::target:
        return part(test_, "test", 0, per_class_);
      case gcbench::SplitRole::val:
        return part(val_, "val", 0, per_class_);
    }
    throw std::invalid_argument("unknown split");
  }

  gcbench::ChannelStats normalization() const override {
    return gcbench::channel_stats(load(gcbench::SplitRole::source_train).images);
  }

  std::map<std::string, std::string> data_sources() const override {
    auto sources = split_.sha256;
    sources["split"] = split_.shipped ? "shipped" : "root";
    sources["split_folder"] = split_.folder.string();
    return sources;
  }

 private:
  fs::path cache_folder() const {
    if (!cache_dir_.empty()) return cache_dir_;
    return root_ / ".gcbench-cache";
  }

  // Every image of a CSV, decoded or from the cache.
  const at::Tensor& images_of(const CsvSplit& split, const std::string& name) const {
    auto& decoded = decoded_[name];
    if (decoded.defined()) return decoded;
    const auto key =
        gcbench::image_cache::fingerprint(split_.folder / (name + ".csv"), split.files, split.rows) + "-" + std::to_string(size_);
    const auto file = cache_folder() / ("mini_imagenet-" + name + "-" + std::to_string(size_) + ".u8");
    if (use_cache_) {
      if (auto cached = gcbench::image_cache::read(file, key)) return decoded = *cached;
    }
    const int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    decoded = gcbench::jpeg::decode_all(split.files, size_, threads);
    if (use_cache_) gcbench::image_cache::write(file, key, decoded);  // a read-only folder only costs the reuse
    return decoded;
  }

  // Rows [first, last) of each class, in CSV order.
  gcbench::ImageSet part(const CsvSplit& split, const std::string& name, std::int64_t first, std::int64_t last) const {
    const auto& images = images_of(split, name);
    std::vector<std::int64_t> indices, labels;
    for (std::size_t c = 0; c < split.wnids.size(); ++c) {
      std::int64_t seen = 0;
      for (std::size_t i = 0; i < split.labels.size(); ++i) {
        if (split.labels[i] != static_cast<std::int64_t>(c)) continue;
        if (seen >= first && seen < last) {
          indices.push_back(static_cast<std::int64_t>(i));
          labels.push_back(static_cast<std::int64_t>(c));
        }
        ++seen;
      }
    }
    return {images.index_select(0, at::tensor(indices, at::kLong)), at::tensor(labels, at::kLong), split.wnids};
  }

  fs::path root_;
  std::int64_t per_class_, holdout_, size_;
  bool use_cache_;
  std::string cache_dir_;
  gcbench::mini_imagenet::SplitFiles split_;
  CsvSplit train_, val_, test_;
  mutable std::map<std::string, at::Tensor> decoded_;
};

void prepare_with_shipped_split(const gcbench::PrepareRequest& request) {
  gcbench::mini_imagenet::prepare_from_imagenet(request, gcbench::plugin_data_folder());
}

gcbench::PluginInfo mini_imagenet_info() {
  using namespace gcbench::option;
  gcbench::PluginInfo info{
      gcbench::PluginKind::dataset,
      "mini_imagenet",
      "1.0.0",
      "mini-ImageNet (Ravi-Larochelle CSVs + JPEGs): 64 source, 16 val, 20 target classes; decoded once into a cache",
      {integer("holdout_per_class", 100, "source images per class held out as source_test").at_least(1),
       integer("images_per_class", 600, "rows per class each CSV must list (600 for the real split)").at_least(2),
       integer("image_size", 84, "images are resized to this square size").at_least(8),
       boolean("cache", true, "keep decoded images in a cache file and reuse it"),
       string("cache_dir", "", "cache folder (default: <root>/.gcbench-cache)"),
       boolean("check_class_lists", true, "require the standard Ravi-Larochelle val and test classes")}};
  // No public download: built from ImageNet's training set, with the split's CSVs (shipped, or the user's).
  info.prepare = prepare_with_shipped_split;
  info.prepare_source = gcbench::mini_imagenet::kImageNetSource;
  return info;
}

}  // namespace

GCBENCH_REGISTER_DATASET(MiniImageNet, mini_imagenet_info)
