// Dataset plugins: images as uint8 tensors, split into source and target classes.
// Every class present in its split, no class in two splits, the same data on
// every load; errors name the file (contract: README.md beside plugin.hpp).
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace gcbench {

// source_train / source_test: the pre-training classes (train images and held-out
// images of the same classes); target: the novel classes few-shot transfer is
// measured on; val: validation classes, where a dataset has them.
enum class SplitRole { source_train, source_test, target, val };

std::string_view to_string(SplitRole role);

struct ImageShape {
  std::int64_t channels = 1;
  std::int64_t height = 28;
  std::int64_t width = 28;
};

struct ImageSet {
  at::Tensor images;                     // uint8, [N, C, H, W]
  at::Tensor labels;                     // int64, [N], in 0 .. class_names.size()-1
  std::vector<std::string> class_names;  // index = label within this split
};

// Per-channel statistics of pixel values scaled to [0, 1].
struct ChannelStats {
  std::vector<double> mean;
  std::vector<double> stddev;
};

// Per-channel mean and (population) standard deviation of uint8 images
// [N, C, H, W] scaled to [0, 1]: what most datasets return from normalization().
ChannelStats channel_stats(const at::Tensor& images);

class Dataset {
 public:
  virtual ~Dataset() = default;

  virtual ImageShape image_shape() const = 0;
  virtual std::vector<SplitRole> splits() const = 0;
  // Throws std::runtime_error naming the file and what to do when data is missing or damaged.
  virtual ImageSet load(SplitRole role) const = 0;
  virtual ChannelStats normalization() const = 0;
  // Where the data came from, where the plugin chose among sources or the
  // choice changes what a run means (mini_imagenet: {"split": "shipped" or
  // "root", "train.csv": "sha256:..."}). Written into every run's record as
  // data_sources and printed by `gcbench data verify`; empty by default.
  virtual std::map<std::string, std::string> data_sources() const { return {}; }
};

}  // namespace gcbench
