// The fused batch norm, max-pool and ReLU's two passes over a batch, for each
// memory layout: batch_norm_pool_planes.cpp (NCHW, contiguous) and
// batch_norm_pool_channels_last.cpp (NHWC). batch_norm_pool.cpp chooses.
#pragma once

#include <ATen/core/Tensor.h>

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "parallel_kernels.hpp"
#include "pool_windows.hpp"

// The hot loops built for each x86-64 vector width, chosen at load time: the
// SDK builds for baseline x86-64 (SSE2). Built with -ffp-contract=off, so that
// each width computes the same roundings as the others.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)  // clang (clang-tidy) clones no templates
#define GCBENCH_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define GCBENCH_VECTOR_CLONES
#endif

namespace gcbench::batch_norm_pool {

// Per channel, summed in double: the batch mean, and the sum of squared
// deviations from it (one pass, shifted by the channel's first value so that a
// mean far from zero does not cancel the variance away).
struct Statistics {
  std::vector<double> mean, squared_deviations;

  // Channel c from sums of (v - shift) and of its square over count values.
  void set(std::int64_t c, double shift, double sum, double sum_of_squares, double count) {
    const double shifted_mean = sum / count;
    mean[c] = shift + shifted_mean;
    squared_deviations[c] = std::max(0.0, sum_of_squares - count * shifted_mean * shifted_mean);
  }
};

// Two per-channel sums over items [0, count), in fixed chunks of `chunk`
// items: add_chunk(first, last, sums, second_sums) adds a chunk's items into
// its own partial sums, and the chunks' partials are added in order, so the
// sums repeat to the bit whatever the thread count.
template <typename AddChunk>
std::pair<std::vector<double>, std::vector<double>> ordered_channel_sums(std::int64_t count, std::int64_t chunk,
                                                                         std::int64_t channels, AddChunk add_chunk) {
  const std::int64_t chunks = (count + chunk - 1) / chunk;
  std::vector<double> partial(static_cast<std::size_t>(chunks * 2 * channels), 0.0);
  const auto grain = std::max<std::int64_t>(1, pool_windows::kValuesPerTask / (chunk * channels));
  at::parallel_for(0, chunks, grain, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t k = begin; k < end; ++k) {
      double* sums = partial.data() + k * 2 * channels;
      add_chunk(k * chunk, std::min(count, (k + 1) * chunk), sums, sums + channels);
    }
  });
  std::vector<double> sums(channels, 0.0), second_sums(channels, 0.0);
  for (std::int64_t k = 0; k < chunks; ++k) {
    const double* part = partial.data() + k * 2 * channels;
    for (std::int64_t c = 0; c < channels; ++c) {
      sums[c] += part[c];
      second_sums[c] += part[channels + c];
    }
  }
  return {std::move(sums), std::move(second_sums)};
}

// A batch's [N, C, H, W] and its pooled output's H / 2 and W / 2, as the
// kernels' loops read them.
struct Geometry {
  std::int64_t height, width, channels, out_height, out_width;
  static Geometry of(const at::Tensor& x, const at::Tensor& pooled) {
    return {x.size(2), x.size(3), x.size(1), pooled.size(2), pooled.size(3)};
  }
};

Statistics statistics_of_planes(const at::Tensor& x);
Statistics statistics_of_channels_last(const at::Tensor& x);

// Each 2x2 window's maximum of scale[c] * x + offset[c], then ReLU, into
// output ([N, C, H / 2, W / 2], in x's layout), and where each winner was:
// on planes, its index into its plane, as max_pool2d_with_indices gives it
// (int64); on channels-last batches, its corner of the window (uint8: 0, 1 on
// the upper row, 2, 3 on the lower), an eighth of the memory to write and to
// read back in the backward.
// The pool pass's tensors as typed pointers.
template <typename T, typename Winner = std::int64_t>
struct PoolData {
  PoolData(const at::Tensor& x, const at::Tensor& scale_, const at::Tensor& offset_, at::Tensor& output, at::Tensor& winners)
      : in(x.data_ptr<T>()),
        scale(scale_.data_ptr<T>()),
        offset(offset_.data_ptr<T>()),
        out(output.data_ptr<T>()),
        where(winners.data_ptr<Winner>()) {}
  const T* in;
  const T* scale;
  const T* offset;
  T* out;
  Winner* where;
};

void pool_planes(const at::Tensor& x, const at::Tensor& scale, const at::Tensor& offset, at::Tensor& output, at::Tensor& indices);
void pool_channels_last(const at::Tensor& x, const at::Tensor& scale, const at::Tensor& offset, at::Tensor& output,
                        at::Tensor& corners);

// The corners pool_channels_last gives, as max_pool2d_with_indices's indices
// (for LibTorch's max-pool backward, where a graph of the backward is wanted).
at::Tensor indices_of_corners(const at::Tensor& corners, std::int64_t width);

// The fused op's input, weight and bias gradients on channels-last batches,
// from the pooled output's gradient (channels-last) and what the forward saved.
// No graph: a double backward takes LibTorch's three backward operators.
struct Gradients {
  at::Tensor input, weight, bias;
};
Gradients backward_channels_last(const at::Tensor& gradient, const at::Tensor& x, const at::Tensor& weight,
                                 const at::Tensor& output, const at::Tensor& corners, const at::Tensor& mean,
                                 const at::Tensor& invstd);

}  // namespace gcbench::batch_norm_pool
