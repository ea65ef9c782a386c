// cifar10: CIFAR-10 from cifar-10-batches-bin/ with its standard split: the five
// data batches are source_train, test_batch.bin is source_test. By default all
// 10 classes are source (the paper's VGG-13 source-task experiments) and there
// is no target; with split_seed >= 0 the classes are split at random into
// source and target, the target's images coming from test_batch.bin.
#include <ATen/ATen.h>
#include <gcbench/plugin.hpp>

#include <optional>
#include <stdexcept>

#include "cifar_binary.hpp"
#include "class_split.hpp"

namespace {
namespace fs = std::filesystem;

constexpr const char* kWhere =
    "cifar10 reads the CIFAR-10 binary release (cifar-10-batches-bin/: data_batch_1.bin .. data_batch_5.bin, "
    "test_batch.bin, batches.meta.txt); point dataset.root at that folder or set GCBENCH_DATA";

class Cifar10 : public gcbench::Dataset {
 public:
  Cifar10(const fs::path& root, const gcbench::Options& options) {
    if (root.empty()) throw std::runtime_error(std::string("no data folder given; ") + kWhere);
    const auto records = options.get<std::int64_t>("records_per_file");
    names_ = gcbench::cifar::read_names(root / "batches.meta.txt", 10, kWhere);
    std::vector<at::Tensor> images, labels;
    for (int batch = 1; batch <= 5; ++batch) {
      auto part = gcbench::cifar::read(root / ("data_batch_" + std::to_string(batch) + ".bin"), 1, 10, records, kWhere);
      images.push_back(part.images);
      labels.push_back(part.labels);
    }
    train_ = {at::cat(images), at::cat(labels), names_};
    auto test = gcbench::cifar::read(root / "test_batch.bin", 1, 10, records, kWhere);
    test_ = {test.images, test.labels, names_};
    if (const auto seed = options.get<std::int64_t>("split_seed"); seed >= 0) {
      const auto split = gcbench::random_class_split(10, options.get<std::int64_t>("source_count"),
                                                     options.get<std::int64_t>("target_count"), static_cast<std::uint64_t>(seed));
      target_ = gcbench::cifar::select_classes(test_.images, test_.labels, split.target, names_, 0, 0);
      train_ = gcbench::cifar::select_classes(train_.images, train_.labels, split.source, names_, 0, 0);
      test_ = gcbench::cifar::select_classes(test_.images, test_.labels, split.source, names_, 0, 0);
    }
  }

  gcbench::ImageShape image_shape() const override { return {3, 32, 32}; }
  std::vector<gcbench::SplitRole> splits() const override {
    if (target_) return {gcbench::SplitRole::source_train, gcbench::SplitRole::source_test, gcbench::SplitRole::target};
    return {gcbench::SplitRole::source_train, gcbench::SplitRole::source_test};
  }

  gcbench::ImageSet load(gcbench::SplitRole role) const override {
    if (role == gcbench::SplitRole::source_train) return train_;
    if (role == gcbench::SplitRole::source_test) return test_;
    if (role == gcbench::SplitRole::target && target_) return *target_;
    throw std::invalid_argument("cifar10 has no " + std::string(gcbench::to_string(role)) +
                                " split: all 10 classes are source classes unless split_seed >= 0");
  }

  gcbench::ChannelStats normalization() const override { return gcbench::channel_stats(train_.images); }

 private:
  std::vector<std::string> names_;
  gcbench::ImageSet train_, test_;
  std::optional<gcbench::ImageSet> target_;
};

std::vector<std::string> split_problems(const gcbench::Options& options) {
  if (options.get<std::int64_t>("split_seed") < 0) return {};
  const auto total = options.get<std::int64_t>("source_count") + options.get<std::int64_t>("target_count");
  if (total <= 10) return {};
  return {"source_count + target_count is " + std::to_string(total) + "; CIFAR-10 has 10 classes"};
}

gcbench::PluginInfo cifar10_info() {
  using namespace gcbench::option;
  gcbench::PluginInfo info{
      gcbench::PluginKind::dataset,
      "cifar10",
      "1.1.0",
      "CIFAR-10 binary release, standard train/test split; all classes source (no target), or a random split by split_seed",
      {integer("records_per_file", 10000, "records each batch file must hold (10000 for the real release)").at_least(1),
       integer("split_seed", -1, "-1: all 10 classes are source; >= 0: source and target classes drawn at random by this seed")
           .at_least(-1),
       integer("source_count", 5, "split_seed >= 0: how many source classes").at_least(1).at_most(9),
       integer("target_count", 5, "split_seed >= 0: how many target classes (their images: test_batch.bin)")
           .at_least(1)
           .at_most(9)}};
  info.check_options = split_problems;
  // The binary release and the MD5 its page publishes; its files lie in
  // cifar-10-batches-bin/, read from the data root itself.
  info.archives = {
      {"https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz", "md5:c32a1d4ab5d03f1284b67883e8d87530", 170052171, 1}};
  return info;
}

}  // namespace

GCBENCH_REGISTER_DATASET(Cifar10, cifar10_info)
