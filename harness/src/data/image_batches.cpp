#include "data/image_batches.hpp"

#include <ATen/ATen.h>

#include <stdexcept>

namespace gcbench {

at::Tensor to_network_input(const at::Tensor& images, const ChannelStats& stats) {
  const auto channels = images.size(1);
  if (static_cast<std::int64_t>(stats.mean.size()) != channels || static_cast<std::int64_t>(stats.stddev.size()) != channels) {
    throw std::invalid_argument("normalisation statistics do not match the images' channel count");
  }
  const auto mean = at::tensor(stats.mean, at::kFloat).view({1, channels, 1, 1});
  const auto stddev = at::tensor(stats.stddev, at::kFloat).view({1, channels, 1, 1});
  return (images.to(at::kFloat).div_(255.0f) - mean) / stddev;
}

at::Tensor input_batch(const at::Tensor& images, const at::Tensor& indices, const ChannelStats& stats) {
  return to_network_input(images.index_select(0, indices), stats);
}

}  // namespace gcbench
