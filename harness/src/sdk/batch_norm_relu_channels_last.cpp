// The fused batch norm, (residual,) ReLU on channels-last (NHWC) batches: a
// pixel's channels are adjacent, so each pass runs across them in vectors.
//   forward, after the statistics (batch_norm_pool's, one pass in double):
//     one pass that writes activation(scale x + offset (+ residual));
//   backward, pass 1: per channel, the sums of the gradient the activation
//     passes, g', and of g' (x - mean), in double, in fixed chunks added in
//     order (so they repeat to the bit, whatever the threads);
//   pass 2: batch norm's input gradient s (g' - mean(g')) + a (x - mean), and
//     g' itself as the residual's gradient.
#include <ATen/Dispatch.h>
#include <ATen/core/Tensor.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/empty_like.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "batch_norm_pool_kernels.hpp"  // GCBENCH_VECTOR_CLONES, ordered_channel_sums
#include "batch_norm_relu_kernels.hpp"
#include "batch_norm_training.hpp"  // backward_coefficients
#include "parallel_kernels.hpp"
#include "pool_windows.hpp"  // kValuesPerTask

namespace gcbench::batch_norm_activation {
namespace {

constexpr std::int64_t kPixelsPerChunk = 256;
constexpr std::int64_t kBlock = 256;  // channels a vector loop takes at a time

std::int64_t pixels_per_task(std::int64_t channels) { return std::max<std::int64_t>(1, pool_windows::kValuesPerTask / channels); }

// ReLU keeps 0 for negatives (and NaN, which compares false), as at::relu;
// leaky ReLU multiplies them by its slope, as at::leaky_relu.
template <bool kLeaky, typename T>
inline T activation(T v, T slope) {
  if constexpr (kLeaky) {
    return v > T(0) ? v : v * slope;
  } else {
    return v < T(0) ? T(0) : v;
  }
}

// The gradient the activation lets through, from its output: at::threshold_backward's
// and at::leaky_relu_backward's (self_is_result) rule.
template <bool kLeaky, typename T>
inline T passed(T gradient, T output, T slope) {
  if constexpr (kLeaky) {
    return output > T(0) ? gradient : gradient * slope;
  } else {
    return output > T(0) ? gradient : T(0);
  }
}

template <bool kLeaky, typename T>
GCBENCH_VECTOR_CLONES void activate(const T* __restrict x, const T* __restrict residual, const T* __restrict scale,
                                    const T* __restrict offset, T slope, T* __restrict out, std::int64_t first, std::int64_t last,
                                    std::int64_t channels) {
  for (std::int64_t pixel = first; pixel < last; ++pixel) {
    const std::int64_t at = pixel * channels;
    if (residual != nullptr) {
      for (std::int64_t c = 0; c < channels; ++c) {
        out[at + c] = activation<kLeaky>(x[at + c] * scale[c] + offset[c] + residual[at + c], slope);
      }
    } else {
      for (std::int64_t c = 0; c < channels; ++c) out[at + c] = activation<kLeaky>(x[at + c] * scale[c] + offset[c], slope);
    }
  }
}

template <typename T>
struct BackwardData {
  const T* gradient;  // of the output
  const T* output;    // the activation's output: its sign says what passed
  const T* x;
  const double* mean;
  T slope;
};

// Pass 1 on pixels [first, last). Per block of channels, two loops the compiler
// vectorises: the passed gradients, by selects in x's type; then the sums in double.
template <bool kLeaky, typename T>
GCBENCH_VECTOR_CLONES void passed_sums(const BackwardData<T>& d, std::int64_t first, std::int64_t last, std::int64_t channels,
                                       double* __restrict sums, double* __restrict products) {
  T through[kBlock];
  for (std::int64_t pixel = first; pixel < last; ++pixel) {
    for (std::int64_t block = 0; block < channels; block += kBlock) {
      const std::int64_t count = std::min(kBlock, channels - block), at = pixel * channels + block;
      const T* __restrict gradient = d.gradient + at;
      const T* __restrict output = d.output + at;
      const T* __restrict x = d.x + at;
      for (std::int64_t i = 0; i < count; ++i) through[i] = passed<kLeaky>(gradient[i], output[i], d.slope);
      batch_norm_training::add_gradient_sums(through, x, d.mean + block, count, sums + block, products + block);
    }
  }
}

// Pass 2 on pixels [first, last); dr (the residual's gradient) may be null.
template <bool kLeaky, typename T>
GCBENCH_VECTOR_CLONES void input_gradient(const BackwardData<T>& d, const batch_norm_training::InputGradient<T>& k,
                                          T* __restrict dx, T* __restrict dr, std::int64_t first, std::int64_t last,
                                          std::int64_t channels) {
  const T* __restrict scale = k.scale.data();
  const T* __restrict gradient_mean = k.gradient_mean.data();
  const T* __restrict slope = k.slope.data();
  const T* __restrict mean = k.mean.data();
  for (std::int64_t pixel = first; pixel < last; ++pixel) {
    const std::int64_t at = pixel * channels;
    const T* __restrict gradient = d.gradient + at;
    const T* __restrict output = d.output + at;
    const T* __restrict x = d.x + at;
    T* __restrict out = dx + at;
    for (std::int64_t c = 0; c < channels; ++c) {
      const T g = passed<kLeaky>(gradient[c], output[c], d.slope);
      out[c] = scale[c] * (g - gradient_mean[c]) + slope[c] * (x[c] - mean[c]);
    }
    if (dr != nullptr) {
      T* __restrict residual = dr + at;
      for (std::int64_t c = 0; c < channels; ++c) residual[c] = passed<kLeaky>(gradient[c], output[c], d.slope);
    }
  }
}

template <bool kLeaky, typename T>
Gradients backward(const at::Tensor& gradient, const at::Tensor& x, const at::Tensor& weight, const at::Tensor& output,
                   const at::Tensor& saved_mean, const at::Tensor& saved_invstd, T slope, bool with_residual) {
  const std::int64_t channels = x.size(1), pixels = x.numel() / channels;
  const auto mean_tensor = saved_mean.to(at::kDouble).contiguous(), invstd_tensor = saved_invstd.to(at::kDouble).contiguous();
  const auto gamma_tensor = weight.to(at::kDouble).contiguous();
  const double* mean = mean_tensor.data_ptr<double>();
  const double* invstd = invstd_tensor.data_ptr<double>();
  const double* gamma = gamma_tensor.data_ptr<double>();
  const BackwardData<T> d{gradient.data_ptr<T>(), output.data_ptr<T>(), x.data_ptr<T>(), mean, slope};

  const auto [sums, products] = batch_norm_pool::ordered_channel_sums(
      pixels, kPixelsPerChunk, channels, [&](auto first, auto last, auto* chunk_sums, auto* chunk_products) {
        passed_sums<kLeaky>(d, first, last, channels, chunk_sums, chunk_products);
      });

  Gradients g;
  g.weight = at::empty({channels}, weight.options());
  g.bias = at::empty({channels}, weight.options());
  auto* dweight = g.weight.data_ptr<T>();
  auto* dbias = g.bias.data_ptr<T>();
  const double count = static_cast<double>(pixels);
  const auto k = batch_norm_training::backward_coefficients<T>(sums, products, gamma, mean, invstd, count, dweight, dbias);
  const auto layout = x.options().memory_format(at::MemoryFormat::ChannelsLast);
  g.input = at::empty_like(x, layout);
  if (with_residual) g.residual = at::empty_like(x, layout);
  T* dx = g.input.data_ptr<T>();
  T* dr = with_residual ? g.residual.data_ptr<T>() : nullptr;
  at::parallel_for(0, pixels, pixels_per_task(channels),
                   [&](std::int64_t first, std::int64_t last) { input_gradient<kLeaky>(d, k, dx, dr, first, last, channels); });
  return g;
}

}  // namespace

void forward_channels_last(const at::Tensor& x, const at::Tensor& scale, const at::Tensor& offset, const at::Tensor& residual,
                           double slope, at::Tensor& output) {
  const std::int64_t channels = x.size(1), pixels = x.numel() / channels;
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "gcbench::batch_norm_relu", [&] {
    const scalar_t* in = x.data_ptr<scalar_t>();
    const scalar_t* added = residual.defined() ? residual.data_ptr<scalar_t>() : nullptr;
    const scalar_t* a = scale.data_ptr<scalar_t>();
    const scalar_t* b = offset.data_ptr<scalar_t>();
    scalar_t* out = output.data_ptr<scalar_t>();
    const auto s = static_cast<scalar_t>(slope);
    at::parallel_for(0, pixels, pixels_per_task(channels), [&](std::int64_t first, std::int64_t last) {
      if (slope == 0.0) {
        activate<false>(in, added, a, b, s, out, first, last, channels);
      } else {
        activate<true>(in, added, a, b, s, out, first, last, channels);
      }
    });
  });
}

Gradients backward_channels_last(const at::Tensor& gradient, const at::Tensor& x, const at::Tensor& weight,
                                 const at::Tensor& output, const at::Tensor& mean, const at::Tensor& invstd, double slope,
                                 bool residual) {
  Gradients g;
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "gcbench::batch_norm_relu_backward", [&] {
    const auto s = static_cast<scalar_t>(slope);
    g = slope == 0.0 ? backward<false, scalar_t>(gradient, x, weight, output, mean, invstd, s, residual)
                     : backward<true, scalar_t>(gradient, x, weight, output, mean, invstd, s, residual);
  });
  return g;
}

}  // namespace gcbench::batch_norm_activation
