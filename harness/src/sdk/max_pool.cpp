#include "gcbench/sdk/max_pool.hpp"

#include <ATen/ATen.h>
#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <cstdint>
#include <utility>

namespace gcbench {
namespace {

constexpr std::int64_t kWindow = 2;

// One plane, an output row from two input rows at a time. The window's first
// element starts as the maximum; each later one replaces it when greater or
// NaN: LibTorch's rule, whose running maximum starts at -inf (the same outcome).
// Written as selects on a block of windows, then their indices in a second loop,
// so that the compiler vectorises the first: a branch per comparison is a coin
// toss on real activations, and LibTorch's element-by-element loop with its
// index arithmetic is what made it slow (11.5 ms for [64, 64, 32, 32] on one
// core here, against 2.3 ms written so).
template <typename T>
void pool_plane(const T* input, std::int64_t height, std::int64_t width, T* output, std::int64_t* indices) {
  constexpr std::int64_t kBlock = 256;
  std::int32_t corner[kBlock];  // which of the window's four won: 0, 1 on the upper row, 2, 3 on the lower
  const std::int64_t out_height = height / kWindow, out_width = width / kWindow;
  for (std::int64_t oh = 0; oh < out_height; ++oh) {
    const std::int64_t top = oh * kWindow * width;
    const T* upper = input + top;
    const T* lower = upper + width;
    for (std::int64_t first = 0; first < out_width; first += kBlock) {
      const std::int64_t count = std::min(kBlock, out_width - first);
      T* out = output + oh * out_width + first;
      for (std::int64_t i = 0; i < count; ++i) {
        const std::int64_t left = kWindow * (first + i);
        const T b = upper[left + 1], c = lower[left], d = lower[left + 1];
        T best = upper[left];
        std::int32_t won = 0;
        bool replaces = b > best || b != b;  // NaN: unequal to itself
        best = replaces ? b : best;
        won = replaces ? 1 : won;
        replaces = c > best || c != c;
        best = replaces ? c : best;
        won = replaces ? 2 : won;
        replaces = d > best || d != d;
        best = replaces ? d : best;
        won = replaces ? 3 : won;
        out[i] = best;
        corner[i] = won;
      }
      std::int64_t* where = indices + oh * out_width + first;
      for (std::int64_t i = 0; i < count; ++i) {
        where[i] = top + kWindow * (first + i) + (corner[i] & 1) + (corner[i] >> 1) * width;
      }
    }
  }
}

// A task is whole planes, at least ~16k input values, so small layers stay on one thread.
std::int64_t planes_per_task(std::int64_t plane_size) {
  return std::max<std::int64_t>(1, (1 << 14) / std::max<std::int64_t>(1, plane_size));
}

// Values and indices (into each plane, as max_pool2d_with_indices gives them).
std::pair<at::Tensor, at::Tensor> pool_with_indices(const at::Tensor& input) {
  const auto height = input.size(-2), width = input.size(-1);
  auto out_sizes = input.sizes().vec();
  out_sizes[out_sizes.size() - 2] = height / kWindow;
  out_sizes[out_sizes.size() - 1] = width / kWindow;
  auto output = at::empty(out_sizes, input.options());
  auto indices = at::empty(out_sizes, input.options().dtype(at::kLong));
  const std::int64_t plane_in = height * width, plane_out = (height / kWindow) * (width / kWindow);
  AT_DISPATCH_FLOATING_TYPES(input.scalar_type(), "gcbench::max_pool_2x2", [&] {
    const auto* in = input.data_ptr<scalar_t>();
    auto* out = output.data_ptr<scalar_t>();
    auto* where = indices.data_ptr<std::int64_t>();
    at::parallel_for(0, input.numel() / plane_in, planes_per_task(plane_in), [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t p = begin; p < end; ++p) {
        pool_plane(in + p * plane_in, height, width, out + p * plane_out, where + p * plane_out);
      }
    });
  });
  return {output, indices};
}

class MaxPool2x2Function : public torch::autograd::Function<MaxPool2x2Function> {
 public:
  static at::Tensor forward(torch::autograd::AutogradContext* context, const at::Tensor& input) {
    auto [output, indices] = pool_with_indices(input);
    context->save_for_backward({input, indices});
    return output;
  }

  // LibTorch's own backward on the same indices. A hand-written one (each pair of
  // rows zeroed and scattered while in cache) measured no faster in a training step.
  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* context,
                                               torch::autograd::tensor_list gradients) {
    const auto saved = context->get_saved_variables();
    return {at::max_pool2d_with_indices_backward(gradients[0], saved[0], {kWindow, kWindow}, {kWindow, kWindow}, {0, 0}, {1, 1},
                                                 false, saved[1])};
  }
};

bool covered(const at::Tensor& images) {
  return images.device().is_cpu() && (images.scalar_type() == at::kFloat || images.scalar_type() == at::kDouble) &&
         (images.dim() == 3 || images.dim() == 4) && images.is_contiguous() && images.size(-2) >= kWindow &&
         images.size(-1) >= kWindow && images.numel() > 0;
}

}  // namespace

at::Tensor max_pool_2x2(const at::Tensor& images) {
  if (!covered(images)) return at::max_pool2d(images, {kWindow, kWindow});
  return MaxPool2x2Function::apply(images);
}

}  // namespace gcbench
