// broken_dataset: a small synthetic dataset that keeps the dataset contract
// (broken = "none") or breaks exactly one of its rules, for the tests that
// show `check-plugin` and the runner refusing each broken rule by name.
#include <ATen/ATen.h>
#include <gcbench/plugin.hpp>

#include <atomic>

namespace {

constexpr std::int64_t kClasses = 5;

gcbench::ImageSet noise(std::int64_t per_class, std::uint64_t seed, const std::string& prefix, std::int64_t side = 28,
                        std::int64_t channels = 1) {
  const auto generator = at::detail::createCPUGenerator(seed);
  gcbench::ImageSet set;
  // Pixels in 0..127: mean about 0.25, so the (0.5, 0.5) of an unrelated normalisation is far off.
  set.images = at::randint(0, 128, {kClasses * per_class, channels, side, side}, generator, at::kByte);
  set.labels = at::arange(kClasses, at::kLong).repeat_interleave(per_class);
  for (std::int64_t c = 0; c < kClasses; ++c) set.class_names.push_back(prefix + std::to_string(c));
  return set;
}

class BrokenDataset : public gcbench::Dataset {
 public:
  BrokenDataset(const std::filesystem::path&, const gcbench::Options& options) : broken_(options.get<std::string>("broken")) {}

  gcbench::ImageShape image_shape() const override { return {1, 28, 28}; }

  std::vector<gcbench::SplitRole> splits() const override {
    using gcbench::SplitRole;
    if (broken_ == "source_test_undeclared") return {SplitRole::source_train, SplitRole::target};
    if (broken_ == "val_reuses_target_names")
      return {SplitRole::source_train, SplitRole::source_test, SplitRole::target, SplitRole::val};
    return {SplitRole::source_train, SplitRole::source_test, SplitRole::target};
  }

  gcbench::ImageSet load(gcbench::SplitRole role) const override {
    // Each load a new draw: the "same data every load" rule, broken.
    const std::uint64_t drift = broken_ == "changes_between_loads" ? loads_++ : 0;
    switch (role) {
      case gcbench::SplitRole::source_train: {
        auto set = broken_ == "wrong_shape" ? noise(40, 1 + drift, "c", 32, 3) : noise(40, 1 + drift, "c");
        if (broken_ == "empty_class") set.labels.masked_fill_(set.labels == kClasses - 1, 0);
        if (broken_ == "labels_out_of_range") set.labels[0] = kClasses;
        return set;
      }
      case gcbench::SplitRole::source_test:
        return noise(10, 2 + drift, broken_ == "source_test_foreign_classes" ? "x" : "c");
      case gcbench::SplitRole::target: {
        auto set = noise(20, 3 + drift, broken_ == "target_reuses_source_names" ? "c" : "t");
        if (broken_ == "target_reuses_source_images") set.images = load(gcbench::SplitRole::source_train).images.slice(0, 0, 100);
        return set;
      }
      case gcbench::SplitRole::val:
        if (broken_ == "val_reuses_target_names") return noise(20, 4, "t");
        break;
    }
    throw std::runtime_error("broken_dataset has no val split");
  }

  gcbench::ChannelStats normalization() const override {
    if (broken_ == "normalization_unrelated") return {{0.5}, {0.5}};
    return gcbench::channel_stats(load(gcbench::SplitRole::source_train).images);
  }

 private:
  std::string broken_;
  mutable std::atomic<std::uint64_t> loads_{0};
};

gcbench::PluginInfo info() {
  return {gcbench::PluginKind::dataset,
          "broken_dataset",
          "1.0.0",
          "synthetic noise that keeps or breaks one rule of the dataset contract (tests only)",
          {gcbench::option::string("broken", "none", "which rule to break")
               .one_of({"none", "changes_between_loads", "wrong_shape", "source_test_foreign_classes",
                        "target_reuses_source_names", "target_reuses_source_images", "source_test_undeclared",
                        "normalization_unrelated", "empty_class", "labels_out_of_range", "val_reuses_target_names"})}};
}

}  // namespace

GCBENCH_REGISTER_DATASET(BrokenDataset, info)
