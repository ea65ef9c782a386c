// fashion_mnist: Zalando's Fashion-MNIST from the gzip'd IDX files that Debian's
// dataset-fashion-mnist package installs, split into source and target classes.
#include <ATen/ATen.h>
#include <gcbench/plugin.hpp>

#include <algorithm>
#include <array>
#include <set>
#include <stdexcept>

#include "idx_file.hpp"

namespace {
namespace fs = std::filesystem;

constexpr const char* kDefaultRoot = "/usr/share/datasets/fashion-mnist";
const std::array<std::string, 10> kClassNames = {"t-shirt_top", "trouser", "pullover", "dress", "coat",
                                                 "sandal",      "shirt",   "sneaker",  "bag",   "ankle_boot"};

struct Images {
  at::Tensor images;  // uint8 [N, 1, 28, 28]
  at::Tensor labels;  // int64 [N], 0..9
  fs::path labels_file;
};

fs::path locate(const fs::path& root, const std::string& stem) {
  for (const auto& name : {stem + ".gz", stem}) {
    if (fs::exists(root / name)) return root / name;
  }
  throw std::runtime_error((root / (stem + ".gz")).string() +
                           ": not found. Install Debian's dataset-fashion-mnist package (ci/setup.sh does), or set "
                           "dataset.root to a folder holding train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
                           "t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz");
}

Images read_pair(const fs::path& root, const std::string& prefix) {
  const auto images_file = locate(root, prefix + "-images-idx3-ubyte");
  const auto labels_file = locate(root, prefix + "-labels-idx1-ubyte");
  auto images = gcbench::idx::read(images_file);
  auto labels = gcbench::idx::read(labels_file);
  if (images.dims.size() != 3 || images.dims[1] != 28 || images.dims[2] != 28) {
    throw std::runtime_error(images_file.string() + ": expected images of 28x28 pixels");
  }
  if (labels.dims.size() != 1 || labels.dims[0] != images.dims[0]) {
    throw std::runtime_error(labels_file.string() + ": holds " + std::to_string(labels.dims[0]) + " labels for " +
                             std::to_string(images.dims[0]) + " images in " + images_file.string());
  }
  for (auto label : labels.data) {
    if (label > 9) throw std::runtime_error(labels_file.string() + ": label " + std::to_string(label) + " is not in 0..9");
  }
  const auto n = images.dims[0];
  Images out;
  out.images = at::from_blob(images.data.data(), {n, 1, 28, 28}, at::kByte).clone();
  out.labels = at::from_blob(labels.data.data(), {n}, at::kByte).to(at::kLong);
  out.labels_file = labels_file;
  return out;
}

const std::vector<std::int64_t> kDefaultSource = {0, 1, 2, 3, 4}, kDefaultTarget = {5, 6, 7, 8, 9};

// What is wrong with the class lists, before any file is read.
std::vector<std::string> class_problems(const gcbench::Options& options) {
  std::vector<std::string> problems;
  if (options.get<std::int64_t>("split_seed") >= 0) {
    const auto source = options.get<std::int64_t>("source_count"), target = options.get<std::int64_t>("target_count");
    if (source + target > 10) {
      problems.push_back("source_count + target_count is " + std::to_string(source + target) + "; Fashion-MNIST has 10 classes");
    }
    if (options.get<std::vector<std::int64_t>>("source_classes") != kDefaultSource ||
        options.get<std::vector<std::int64_t>>("target_classes") != kDefaultTarget) {
      problems.push_back("give split_seed (a random split) or source_classes and target_classes (a fixed one), not both");
    }
    return problems;
  }
  for (const char* name : {"source_classes", "target_classes"}) {
    const auto& classes = options.get<std::vector<std::int64_t>>(name);
    if (classes.empty()) problems.push_back(std::string("option '") + name + "' lists no class");
    std::set<std::int64_t> seen;
    for (auto c : classes) {
      if (c < 0 || c > 9)
        problems.push_back(std::string("option '") + name + "': class " + std::to_string(c) + " is not in 0..9");
      else if (!seen.insert(c).second)
        problems.push_back(std::string("option '") + name + "' repeats class " + std::to_string(c));
    }
  }
  const auto& target = options.get<std::vector<std::int64_t>>("target_classes");
  for (auto c : options.get<std::vector<std::int64_t>>("source_classes")) {
    if (c >= 0 && c <= 9 && std::count(target.begin(), target.end(), c)) {
      problems.push_back("class " + std::to_string(c) + " (" + kClassNames[c] +
                         ") is in both source_classes and target_classes; a class belongs to one split");
    }
  }
  return problems;
}

class FashionMnist : public gcbench::Dataset {
 public:
  FashionMnist(const fs::path& root, const gcbench::Options& options)
      : source_classes_(options.get<std::vector<std::int64_t>>("source_classes")),
        target_classes_(options.get<std::vector<std::int64_t>>("target_classes")),
        train_per_class_(options.get<std::int64_t>("train_per_class")),
        test_per_class_(options.get<std::int64_t>("test_per_class")) {
    if (const auto problems = class_problems(options); !problems.empty()) throw std::invalid_argument(problems.front());
    if (const auto seed = options.get<std::int64_t>("split_seed"); seed >= 0) {
      auto split = gcbench::random_class_split(10, options.get<std::int64_t>("source_count"),
                                               options.get<std::int64_t>("target_count"), static_cast<std::uint64_t>(seed));
      source_classes_ = std::move(split.source);
      target_classes_ = std::move(split.target);
    }
    const fs::path folder = root.empty() ? fs::path(kDefaultRoot) : root;
    train_ = read_pair(folder, "train");
    test_ = read_pair(folder, "t10k");
  }

  gcbench::ImageShape image_shape() const override { return {1, 28, 28}; }

  std::vector<gcbench::SplitRole> splits() const override {
    return {gcbench::SplitRole::source_train, gcbench::SplitRole::source_test, gcbench::SplitRole::target};
  }

  gcbench::ImageSet load(gcbench::SplitRole role) const override {
    switch (role) {
      case gcbench::SplitRole::source_train:
        return select(train_, source_classes_, train_per_class_);
      case gcbench::SplitRole::source_test:
        return select(test_, source_classes_, test_per_class_);
      case gcbench::SplitRole::target:
        return select(test_, target_classes_, test_per_class_);
      default:
        throw std::invalid_argument("fashion_mnist has no val split");
    }
  }

  gcbench::ChannelStats normalization() const override {
    return gcbench::channel_stats(load(gcbench::SplitRole::source_train).images);
  }

 private:
  // The first `per_class` images of each class, in file order; labels renumbered 0..classes-1.
  static gcbench::ImageSet select(const Images& from, const std::vector<std::int64_t>& classes, std::int64_t per_class) {
    std::vector<std::int64_t> indices, labels;
    std::vector<std::int64_t> taken(classes.size(), 0);
    const auto* y = from.labels.data_ptr<std::int64_t>();
    for (std::int64_t i = 0; i < from.labels.size(0); ++i) {
      const auto position = std::find(classes.begin(), classes.end(), y[i]) - classes.begin();
      if (position == static_cast<std::ptrdiff_t>(classes.size())) continue;
      if (per_class > 0 && taken[position] >= per_class) continue;
      ++taken[position];
      indices.push_back(i);
      labels.push_back(position);
    }
    // A short or absent class is an error, never a silently smaller split.
    for (std::size_t c = 0; c < classes.size(); ++c) {
      if (taken[c] == 0 || (per_class > 0 && taken[c] < per_class)) {
        throw std::runtime_error(from.labels_file.string() + ": class " + std::to_string(classes[c]) + " (" +
                                 kClassNames[classes[c]] + ") has " + std::to_string(taken[c]) + " images" +
                                 (per_class > 0 ? ", fewer than the " + std::to_string(per_class) + " asked for" : "") +
                                 "; lower train_per_class / test_per_class or use the complete files");
      }
    }
    gcbench::ImageSet set;
    set.images = from.images.index_select(0, at::tensor(indices, at::kLong));
    set.labels = at::tensor(labels, at::kLong);
    for (auto c : classes) set.class_names.push_back(kClassNames[c]);
    return set;
  }

  std::vector<std::int64_t> source_classes_;
  std::vector<std::int64_t> target_classes_;
  std::int64_t train_per_class_;
  std::int64_t test_per_class_;
  Images train_;
  Images test_;
};

gcbench::PluginInfo fashion_mnist_info() {
  using namespace gcbench::option;
  gcbench::PluginInfo info{
      gcbench::PluginKind::dataset,
      "fashion_mnist",
      "1.1.0",
      "Fashion-MNIST (IDX files of Debian's dataset-fashion-mnist); source = train images of the source "
      "classes, source_test and target = t10k images",
      {integer_list("source_classes", kDefaultSource, "pre-training classes (0 t-shirt .. 4 coat)").at_least(0).at_most(9),
       integer_list("target_classes", kDefaultTarget, "novel classes for transfer (5 sandal .. 9 ankle boot)")
           .at_least(0)
           .at_most(9),
       integer("split_seed", -1,
               "-1: the class lists above; >= 0: source and target classes drawn at random from all 10 by this seed, "
               "as CIFAR-FS and mini-ImageNet were")
           .at_least(-1),
       integer("source_count", 5, "split_seed >= 0: how many source classes").at_least(1).at_most(9),
       integer("target_count", 5, "split_seed >= 0: how many target classes").at_least(1).at_most(9),
       integer("train_per_class", 0, "source-train images per class, first in file order (0: all 6000)").at_least(0),
       integer("test_per_class", 0, "source-test and target images per class (0: all 1000)").at_least(0)}};
  info.check_options = class_problems;
  return info;
}

}  // namespace

GCBENCH_REGISTER_DATASET(FashionMnist, fashion_mnist_info)
