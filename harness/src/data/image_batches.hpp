// Turning stored uint8 images into normalised float network inputs.
#pragma once

#include <ATen/core/Tensor.h>

#include "gcbench/sdk/dataset.hpp"

namespace gcbench {

// uint8 [B, C, H, W] -> float32 (x / 255 - mean) / stddev, per channel.
at::Tensor to_network_input(const at::Tensor& images, const ChannelStats& stats);

// The rows of `images` at `indices`, as network input.
at::Tensor input_batch(const at::Tensor& images, const at::Tensor& indices, const ChannelStats& stats);

}  // namespace gcbench
