// The fused op's backward on channels-last (NHWC) batches, where no graph of
// the backward is wanted: ReLU's, the max-pool's and batch norm's backward as
// two passes. Apart, LibTorch writes a full-size gradient of zeros with the
// winners scattered into it, then batch norm's backward reads it back twice.
// Fused, the gradient at a window's winner is picked inside the window:
//   pass 1, over the pooled pixels: per channel, the sums of the gradient and
//     of the gradient times (x - mean) at the winners, in double, in fixed
//     chunks added in order (so they repeat to the bit, whatever the threads);
//   pass 2, over every input pixel: batch norm's input gradient
//     s (g - mean(g)) + a (x - mean), with g the pooled gradient at its
//     winner and 0 elsewhere.
#include <ATen/Dispatch.h>
#include <ATen/core/Tensor.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/empty_like.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "batch_norm_pool_kernels.hpp"
#include "batch_norm_training.hpp"
#include "parallel_kernels.hpp"
#include "pool_windows.hpp"

namespace gcbench::batch_norm_pool {
namespace {

using pool_windows::kWindow;

constexpr std::int64_t kPooledPixelsPerChunk = 256;

template <typename T>
struct BackwardData {
  const T* gradient;            // of the pooled output, channels-last
  const T* output;              // the pooled output: ReLU passes the gradient where it is above 0
  const std::uint8_t* corners;  // the winners' corners of their windows: 0, 1 on the upper row, 2, 3 on the lower
  const T* x;
  const double* mean;
};

// Pass 1 on pooled pixels [first, last): adds into sums (the gradient) and
// products (the gradient times x - mean at the winner). Per block of
// channels, two loops the compiler vectorises: the winners and the gradients
// ReLU passes picked by selects, not branches, in x's type; then the sums in double.
template <typename T>
GCBENCH_VECTOR_CLONES void winner_sums(const BackwardData<T>& d, const Geometry& s, std::int64_t first, std::int64_t last,
                                       double* __restrict sums, double* __restrict products) {
  constexpr std::int64_t kBlock = 256;
  T winners[kBlock], passed[kBlock];
  const std::int64_t row_stride = s.width * s.channels;
  for (std::int64_t q = first; q < last; ++q) {
    const std::int64_t ow = q % s.out_width, row = q / s.out_width;
    const std::int64_t image = row / s.out_height, oh = row % s.out_height;
    const T* upper_row = d.x + (image * s.height + kWindow * oh) * row_stride + kWindow * ow * s.channels;
    for (std::int64_t block = 0; block < s.channels; block += kBlock) {
      const std::int64_t count = std::min(kBlock, s.channels - block);
      const T* __restrict upper = upper_row + block;
      const T* __restrict lower = upper + row_stride;
      const T* __restrict gradient = d.gradient + q * s.channels + block;
      const T* __restrict output = d.output + q * s.channels + block;
      const std::uint8_t* __restrict corners = d.corners + q * s.channels + block;
      for (std::int64_t i = 0; i < count; ++i) {
        const T a = upper[i], b = upper[s.channels + i], e = lower[i], f = lower[s.channels + i];
        const bool right = corners[i] & 1, below = corners[i] >> 1;
        const T upper_winner = right ? b : a, lower_winner = right ? f : e;
        winners[i] = below ? lower_winner : upper_winner;
        const T g = gradient[i];
        passed[i] = output[i] > T(0) ? g : T(0);
      }
      batch_norm_training::add_gradient_sums(passed, winners, d.mean + block, count, sums + block, products + block);
    }
  }
}

// Pass 2 on input rows [begin, end) of the batch (row r: image r / height, row r % height).
template <typename T>
GCBENCH_VECTOR_CLONES void input_gradient_rows(const BackwardData<T>& d, const Geometry& s,
                                               const batch_norm_training::InputGradient<T>& k, T* dx, std::int64_t begin,
                                               std::int64_t end) {
  const T* scale = k.scale.data();
  const T* gradient_mean = k.gradient_mean.data();
  const T* slope = k.slope.data();
  const T* mean = k.mean.data();
  for (std::int64_t r = begin; r < end; ++r) {
    const std::int64_t image = r / s.height, h = r % s.height;
    const bool pooled_row = h < kWindow * s.out_height;
    for (std::int64_t w = 0; w < s.width; ++w) {
      const std::int64_t at = (r * s.width + w) * s.channels;
      const T* __restrict x = d.x + at;
      T* __restrict out = dx + at;
      if (pooled_row && w < kWindow * s.out_width) {
        const std::int64_t q = ((image * s.out_height + h / kWindow) * s.out_width + w / kWindow) * s.channels;
        const T* __restrict gradient = d.gradient + q;
        const T* __restrict output = d.output + q;
        const std::uint8_t* __restrict corners = d.corners + q;
        const std::uint8_t self = static_cast<std::uint8_t>((h % kWindow) * kWindow + w % kWindow);
        for (std::int64_t c = 0; c < s.channels; ++c) {
          const T pooled_gradient = gradient[c], pooled = output[c];
          const bool won = (corners[c] == self) & (pooled > T(0));  // &, not &&: no branch
          const T g = won ? pooled_gradient : T(0);
          out[c] = scale[c] * (g - gradient_mean[c]) + slope[c] * (x[c] - mean[c]);
        }
      } else {  // a row or column no window covers (odd sizes): no gradient from the pool
        for (std::int64_t c = 0; c < s.channels; ++c) {
          out[c] = scale[c] * (T(0) - gradient_mean[c]) + slope[c] * (x[c] - mean[c]);
        }
      }
    }
  }
}

template <typename T>
Gradients backward(const at::Tensor& gradient, const at::Tensor& x, const at::Tensor& weight, const at::Tensor& output,
                   const at::Tensor& corners, const at::Tensor& saved_mean, const at::Tensor& saved_invstd) {
  const auto s = Geometry::of(x, output);
  const std::int64_t channels = s.channels, pooled = output.numel() / channels;
  const auto mean_tensor = saved_mean.to(at::kDouble).contiguous(), invstd_tensor = saved_invstd.to(at::kDouble).contiguous();
  const auto gamma_tensor = weight.to(at::kDouble).contiguous();
  const double* mean = mean_tensor.data_ptr<double>();
  const double* invstd = invstd_tensor.data_ptr<double>();
  const double* gamma = gamma_tensor.data_ptr<double>();
  const BackwardData<T> d{gradient.data_ptr<T>(), output.data_ptr<T>(), corners.data_ptr<std::uint8_t>(), x.data_ptr<T>(), mean};

  const auto [sums, products] = ordered_channel_sums(pooled, kPooledPixelsPerChunk, channels,
                                                     [&](auto first, auto last, auto* chunk_sums, auto* chunk_products) {
                                                       winner_sums(d, s, first, last, chunk_sums, chunk_products);
                                                     });

  Gradients g;
  g.weight = at::empty({channels}, weight.options());
  g.bias = at::empty({channels}, weight.options());
  auto* dweight = g.weight.data_ptr<T>();
  auto* dbias = g.bias.data_ptr<T>();
  const double count = static_cast<double>(x.numel()) / static_cast<double>(channels);  // exact: numel is N H W C
  const auto k = batch_norm_training::backward_coefficients<T>(sums, products, gamma, mean, invstd, count, dweight, dbias);
  g.input = at::empty_like(x, x.options().memory_format(at::MemoryFormat::ChannelsLast));
  T* dx = g.input.data_ptr<T>();
  const auto row_grain = std::max<std::int64_t>(1, pool_windows::kValuesPerTask / (s.width * channels));
  at::parallel_for(0, x.size(0) * s.height, row_grain,
                   [&](std::int64_t begin, std::int64_t end) { input_gradient_rows(d, s, k, dx, begin, end); });
  return g;
}

}  // namespace

Gradients backward_channels_last(const at::Tensor& gradient, const at::Tensor& x, const at::Tensor& weight,
                                 const at::Tensor& output, const at::Tensor& corners, const at::Tensor& mean,
                                 const at::Tensor& invstd) {
  Gradients g;
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "gcbench::batch_norm_max_pool_relu_backward",
                             [&] { g = backward<scalar_t>(gradient, x, weight, output, corners, mean, invstd); });
  return g;
}

}  // namespace gcbench::batch_norm_pool
