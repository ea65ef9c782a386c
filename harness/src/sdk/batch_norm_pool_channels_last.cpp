// The fused batch norm, max-pool and ReLU on channels-last (NHWC) batches: a
// pixel's channels are adjacent, so both passes vectorise across channels.
#include <ATen/ATen.h>
#include <ATen/Dispatch.h>

#include <algorithm>
#include <cstdint>

#include "batch_norm_pool_kernels.hpp"
#include "parallel_kernels.hpp"
#include "pool_windows.hpp"

namespace gcbench::batch_norm_pool {
namespace {

using pool_windows::kWindow;

// Pixels per partial sum. Partial sums are added in their pixels' order,
// whatever the thread count, so the statistics repeat to the bit.
constexpr std::int64_t kPixelsPerChunk = 256;

// Adds pixels [first, last) into sums and squares of (value - shift), per channel.
template <typename T>
GCBENCH_VECTOR_CLONES void add_pixels(const T* x, std::int64_t first, std::int64_t last, const double* __restrict shift,
                                      double* __restrict sums, double* __restrict squares, std::int64_t channels) {
  for (std::int64_t pixel = first; pixel < last; ++pixel) {
    const T* values = x + pixel * channels;
    for (std::int64_t c = 0; c < channels; ++c) {
      const double d = static_cast<double>(values[c]) - shift[c];
      sums[c] += d;
      squares[c] += d * d;
    }
  }
}

template <typename T>
void pixel_statistics(const T* x, std::int64_t pixels, std::int64_t channels, Statistics& s) {
  const std::vector<double> shift(x, x + channels);
  const auto [sums, squares] =
      ordered_channel_sums(pixels, kPixelsPerChunk, channels, [&](auto first, auto last, auto* chunk_sums, auto* chunk_squares) {
        add_pixels(x, first, last, shift.data(), chunk_sums, chunk_squares, channels);
      });
  const double count = static_cast<double>(pixels);
  for (std::int64_t c = 0; c < channels; ++c) {
    s.set(c, shift[c], sums[c], squares[c], count);
  }
}

// Output rows [begin, end) of the batch (row r: image r / out_height, row r % out_height).
template <typename T>
GCBENCH_VECTOR_CLONES void pool_rows(const PoolData<T, std::uint8_t>& d, const Geometry& g, std::int64_t begin,
                                     std::int64_t end) {
  const T* __restrict scale = d.scale;
  const T* __restrict offset = d.offset;
  constexpr std::int64_t kBlock = 256;
  std::int32_t corner[kBlock];  // which of the window's four won: 0, 1 on the upper row, 2, 3 on the lower
  // Locals, not g's fields: a store through a uint8 pointer may alias anything, fields included.
  const std::int64_t channels = g.channels, row_stride = g.width * g.channels;
  for (std::int64_t r = begin; r < end; ++r) {
    const std::int64_t image = r / g.out_height, oh = r % g.out_height;
    const T* upper_row = d.in + (image * g.height + kWindow * oh) * row_stride;
    for (std::int64_t ow = 0; ow < g.out_width; ++ow) {
      const T* __restrict upper = upper_row + kWindow * ow * channels;
      const T* __restrict lower = upper + row_stride;
      const std::int64_t pooled = (r * g.out_width + ow) * channels;
      for (std::int64_t first = 0; first < channels; first += kBlock) {
        const std::int64_t count = std::min(kBlock, channels - first);
        T* __restrict out = d.out + pooled + first;
        for (std::int64_t i = 0; i < count; ++i) {
          const std::int64_t c = first + i;
          const T a = scale[c], o = offset[c];
          T best = upper[c] * a + o;
          std::int32_t won = 0;
          pool_windows::consider(upper[channels + c] * a + o, 1, best, won);
          pool_windows::consider(lower[c] * a + o, 2, best, won);
          pool_windows::consider(lower[channels + c] * a + o, 3, best, won);
          out[i] = best < 0 ? T(0) : best;  // ReLU; NaN stays
          corner[i] = won;
        }
        std::uint8_t* __restrict corners = d.where + pooled + first;
        for (std::int64_t i = 0; i < count; ++i) corners[i] = static_cast<std::uint8_t>(corner[i]);
      }
    }
  }
}

}  // namespace

Statistics statistics_of_channels_last(const at::Tensor& x) {
  const auto channels = x.size(1);
  Statistics s{std::vector<double>(channels), std::vector<double>(channels)};
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "gcbench::batch_norm_max_pool_relu",
                             [&] { pixel_statistics(x.data_ptr<scalar_t>(), x.size(0) * x.size(2) * x.size(3), channels, s); });
  return s;
}

void pool_channels_last(const at::Tensor& x, const at::Tensor& scale, const at::Tensor& offset, at::Tensor& output,
                        at::Tensor& corners) {
  const auto g = Geometry::of(x, output);
  const auto grain = std::max<std::int64_t>(1, pool_windows::kValuesPerTask / (kWindow * g.width * g.channels));
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "gcbench::batch_norm_max_pool_relu", [&] {
    const PoolData<scalar_t, std::uint8_t> d(x, scale, offset, output, corners);
    at::parallel_for(0, x.size(0) * g.out_height, grain,
                     [&](std::int64_t begin, std::int64_t end) { pool_rows(d, g, begin, end); });
  });
}

at::Tensor indices_of_corners(const at::Tensor& corners, std::int64_t width) {
  const auto options = corners.options().dtype(at::kLong);
  const auto rows = at::arange(corners.size(2), options).mul_(kWindow * width).view({-1, 1});
  const auto columns = at::arange(corners.size(3), options).mul_(kWindow).view({1, -1});
  const auto corner = corners.to(at::kLong);
  return (rows + columns + corner.remainder(2) + corner.div(2, "floor").mul(width)).contiguous(at::MemoryFormat::ChannelsLast);
}

}  // namespace gcbench::batch_norm_pool
