#include <ATen/core/Tensor.h>

#include "gcbench/sdk/dataset.hpp"

namespace gcbench {

ChannelStats channel_stats(const at::Tensor& images) {
  const auto pixels = images.to(at::kDouble).div_(255.0);
  const auto mean = pixels.mean({0, 2, 3});
  const auto stddev = pixels.std({0, 2, 3}, /*unbiased=*/false);
  ChannelStats stats;
  for (std::int64_t c = 0; c < images.size(1); ++c) {
    stats.mean.push_back(mean[c].item<double>());
    stats.stddev.push_back(stddev[c].item<double>());
  }
  return stats;
}

}  // namespace gcbench
