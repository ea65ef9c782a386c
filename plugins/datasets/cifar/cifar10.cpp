// cifar10: CIFAR-10 from cifar-10-batches-bin/ with its standard split: the five
// data batches are source_train, test_batch.bin is source_test. All 10 classes
// are source (the paper's VGG-13 source-task experiments); there is no target.
#include <ATen/ATen.h>
#include <gcbench/plugin.hpp>

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
  }

  gcbench::ImageShape image_shape() const override { return {3, 32, 32}; }
  std::vector<gcbench::SplitRole> splits() const override {
    return {gcbench::SplitRole::source_train, gcbench::SplitRole::source_test};
  }

  gcbench::ImageSet load(gcbench::SplitRole role) const override {
    if (role == gcbench::SplitRole::source_train) return train_;
    if (role == gcbench::SplitRole::source_test) return test_;
    throw std::invalid_argument("cifar10 has no " + std::string(gcbench::to_string(role)) +
                                " split: all 10 classes are source classes");
  }

  gcbench::ChannelStats normalization() const override { return gcbench::channel_stats(train_.images); }

 private:
  std::vector<std::string> names_;
  gcbench::ImageSet train_, test_;
};

gcbench::PluginInfo cifar10_info() {
  using namespace gcbench::option;
  return {gcbench::PluginKind::dataset, "cifar10", "1.0.0",
          "CIFAR-10 binary release, standard train/test split, all classes source (no target)",
          {integer("records_per_file", 10000, "records each batch file must hold (10000 for the real release)").at_least(1)}};
}

}  // namespace

GCBENCH_REGISTER_DATASET(Cifar10, cifar10_info)
