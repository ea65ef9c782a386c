// cifar_fs: CIFAR-FS (Bertinetto et al. 2019) from the CIFAR-100 binary release.
// train.bin and test.bin are pooled (600 images per class) and the 100 classes
// split 64 / 16 / 20 into train / val / test classes. The 64 train classes are
// the source; each keeps a fixed hold-out (its last `holdout_per_class` images in
// pool order) as source_test. The 20 test classes are the target.
#include <ATen/ATen.h>
#include <gcbench/plugin.hpp>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "cifar_binary.hpp"
#include "class_split.hpp"

namespace {
namespace fs = std::filesystem;

const std::vector<std::string> kTestClasses = {"whale",    "poppy",   "rose",  "sweet_pepper", "telephone",    "bed",   "table",
                                               "wardrobe", "leopard", "plain", "chimpanzee",   "fox",          "snail", "worm",
                                               "baby",     "man",     "woman", "bicycle",      "pickup_truck", "rocket"};
const std::vector<std::string> kValClasses = {"beaver",    "otter",      "flatfish",   "shark",  "lamp",   "television",
                                              "beetle",    "butterfly",  "sea",        "camel",  "cattle", "crab",
                                              "crocodile", "maple_tree", "motorcycle", "tractor"};
constexpr const char* kWhere =
    "cifar_fs reads the CIFAR-100 binary release (cifar-100-binary/: train.bin, test.bin, fine_label_names.txt); "
    "point dataset.root at that folder or set GCBENCH_DATA";

std::vector<std::int64_t> labels_of(const std::vector<std::string>& wanted, const std::vector<std::string>& names,
                                    const fs::path& names_file) {
  std::vector<std::int64_t> labels;
  for (const auto& name : wanted) {
    const auto found = std::find(names.begin(), names.end(), name);
    if (found == names.end()) throw std::runtime_error(names_file.string() + ": has no class '" + name + "'");
    labels.push_back(found - names.begin());
  }
  return labels;
}

class CifarFs : public gcbench::Dataset {
 public:
  CifarFs(const fs::path& root, const gcbench::Options& options)
      : per_class_(options.get<std::int64_t>("images_per_class")), holdout_(options.get<std::int64_t>("holdout_per_class")) {
    if (root.empty()) throw std::runtime_error(std::string("no data folder given; ") + kWhere);
    if (holdout_ >= per_class_) throw std::invalid_argument("holdout_per_class must be below images_per_class");
    names_ = gcbench::cifar::read_names(root / "fine_label_names.txt", 100, kWhere);
    const bool full = per_class_ == 600;
    const auto train = gcbench::cifar::read(root / "train.bin", 2, 100, full ? 50000 : 0, kWhere);
    const auto test = gcbench::cifar::read(root / "test.bin", 2, 100, full ? 10000 : 0, kWhere);
    images_ = at::cat({train.images, test.images});
    labels_ = at::cat({train.labels, test.labels});
    const auto counts = at::bincount(labels_, {}, 100);
    for (std::int64_t c = 0; c < 100; ++c) {
      if (counts[c].item<std::int64_t>() != per_class_) {
        throw std::runtime_error((root / "train.bin").string() + " and test.bin hold " +
                                 std::to_string(counts[c].item<std::int64_t>()) + " images of class '" + names_[c] +
                                 "', expected " + std::to_string(per_class_) +
                                 ": a file is truncated or is not the CIFAR-100 binary release");
      }
    }
    test_ = labels_of(kTestClasses, names_, root / "fine_label_names.txt");
    val_ = labels_of(kValClasses, names_, root / "fine_label_names.txt");
    std::set<std::int64_t> held(test_.begin(), test_.end());
    held.insert(val_.begin(), val_.end());
    for (std::int64_t c = 0; c < 100; ++c) {
      if (!held.count(c)) train_.push_back(c);
    }
  }

  gcbench::ImageShape image_shape() const override { return {3, 32, 32}; }

  std::vector<gcbench::SplitRole> splits() const override {
    using gcbench::SplitRole;
    return {SplitRole::source_train, SplitRole::source_test, SplitRole::target, SplitRole::val};
  }

  gcbench::ImageSet load(gcbench::SplitRole role) const override {
    using gcbench::cifar::select_classes;
    switch (role) {
      case gcbench::SplitRole::source_train:
        return select_classes(images_, labels_, train_, names_, 0, per_class_ - holdout_);
      case gcbench::SplitRole::source_test:
        return select_classes(images_, labels_, train_, names_, per_class_ - holdout_, 0);
      case gcbench::SplitRole::target:
        return select_classes(images_, labels_, test_, names_, 0, 0);
      case gcbench::SplitRole::val:
        return select_classes(images_, labels_, val_, names_, 0, 0);
    }
    throw std::invalid_argument("unknown split");
  }

  gcbench::ChannelStats normalization() const override {
    return gcbench::channel_stats(load(gcbench::SplitRole::source_train).images);
  }

 private:
  std::int64_t per_class_;
  std::int64_t holdout_;
  std::vector<std::string> names_;
  at::Tensor images_;
  at::Tensor labels_;
  std::vector<std::int64_t> train_, val_, test_;
};

gcbench::PluginInfo cifar_fs_info() {
  using namespace gcbench::option;
  gcbench::PluginInfo info{
      gcbench::PluginKind::dataset,
      "cifar_fs",
      "1.0.0",
      "CIFAR-FS from the CIFAR-100 binary release: 64 source, 16 val, 20 target classes of 600 images",
      {integer("holdout_per_class", 100, "source images per class held out as source_test").at_least(1),
       integer("images_per_class", 600, "pooled images per class the files must hold (600 for the real release)").at_least(2)}};
  // CIFAR-FS is CIFAR-100 with its class split: the CIFAR-100 binary release and
  // the MD5 its page publishes; its files lie in cifar-100-binary/.
  info.archives = {
      {"https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz", "md5:03b5dce01913d631647c71ecec9e9cb8", 168513733, 1}};
  return info;
}

}  // namespace

GCBENCH_REGISTER_DATASET(CifarFs, cifar_fs_info)
