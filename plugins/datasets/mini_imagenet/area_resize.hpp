// The one resize mini-ImageNet is built with: area averaging, as OpenCV's
// INTER_AREA and the common mini-ImageNet build scripts do. Each output pixel
// is the mean of the source pixels its footprint covers, each weighted by the
// part of it covered; the image is squashed to a square, not cropped.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace gcbench::mini_imagenet {

// image: uint8 [H, W, C]; returns uint8 [C, size, size], rounded to nearest.
at::Tensor area_resize(const at::Tensor& image, std::int64_t size);

}  // namespace gcbench::mini_imagenet
