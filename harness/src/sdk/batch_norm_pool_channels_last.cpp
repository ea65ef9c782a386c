// The fused batch norm, max-pool and ReLU on channels-last (NHWC) batches: a
// pixel's channels are adjacent, so both passes vectorise across channels.
#include <ATen/ATen.h>
#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cstdint>

#include "batch_norm_pool_kernels.hpp"
#include "pool_windows.hpp"

namespace gcbench::batch_norm_pool {
namespace {

using pool_windows::kWindow;

// Pixels per partial sum. Partial sums are added in their pixels' order,
// whatever the thread count, so the statistics repeat to the bit.
constexpr std::int64_t kPixelsPerChunk = 256;

template <typename T>
void add_pixel(const T* __restrict values, const double* __restrict shift, double* __restrict sums, double* __restrict squares,
               std::int64_t channels) {
  for (std::int64_t c = 0; c < channels; ++c) {
    const double d = static_cast<double>(values[c]) - shift[c];
    sums[c] += d;
    squares[c] += d * d;
  }
}

template <typename T>
void pixel_statistics(const T* x, std::int64_t pixels, std::int64_t channels, Statistics& s) {
  const std::int64_t chunks = (pixels + kPixelsPerChunk - 1) / kPixelsPerChunk;
  std::vector<double> shift(x, x + channels), partial(static_cast<std::size_t>(chunks * 2 * channels), 0.0);
  const auto grain = std::max<std::int64_t>(1, pool_windows::kValuesPerTask / (kPixelsPerChunk * channels));
  at::parallel_for(0, chunks, grain, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t chunk = begin; chunk < end; ++chunk) {
      double* sums = partial.data() + chunk * 2 * channels;
      const std::int64_t last = std::min(pixels, (chunk + 1) * kPixelsPerChunk);
      for (std::int64_t pixel = chunk * kPixelsPerChunk; pixel < last; ++pixel) {
        add_pixel(x + pixel * channels, shift.data(), sums, sums + channels, channels);
      }
    }
  });
  std::vector<double> sums(channels, 0.0), squares(channels, 0.0);
  for (std::int64_t chunk = 0; chunk < chunks; ++chunk) {
    const double* part = partial.data() + chunk * 2 * channels;
    for (std::int64_t c = 0; c < channels; ++c) {
      sums[c] += part[c];
      squares[c] += part[channels + c];
    }
  }
  const double count = static_cast<double>(pixels);
  for (std::int64_t c = 0; c < channels; ++c) {
    s.set(c, shift[c], sums[c], squares[c], count);
  }
}

struct Geometry {
  std::int64_t height, width, channels, out_height, out_width;
};

// Output rows [begin, end) of the batch (row r: image r / out_height, row r % out_height).
template <typename T>
void pool_rows(const PoolData<T>& d, const Geometry& g, std::int64_t begin, std::int64_t end) {
  const T* scale = d.scale;
  const T* offset = d.offset;
  constexpr std::int64_t kBlock = 256;
  std::int32_t corner[kBlock];  // which of the window's four won: 0, 1 on the upper row, 2, 3 on the lower
  const std::int64_t row_stride = g.width * g.channels;
  for (std::int64_t r = begin; r < end; ++r) {
    const std::int64_t image = r / g.out_height, oh = r % g.out_height;
    const T* upper_row = d.in + (image * g.height + kWindow * oh) * row_stride;
    for (std::int64_t ow = 0; ow < g.out_width; ++ow) {
      const T* upper = upper_row + kWindow * ow * g.channels;
      const T* lower = upper + row_stride;
      const std::int64_t pooled = (r * g.out_width + ow) * g.channels;
      const std::int64_t top_left = kWindow * oh * g.width + kWindow * ow;
      for (std::int64_t first = 0; first < g.channels; first += kBlock) {
        const std::int64_t count = std::min(kBlock, g.channels - first);
        for (std::int64_t i = 0; i < count; ++i) {
          const std::int64_t c = first + i;
          const T a = scale[c], o = offset[c];
          T best = upper[c] * a + o;
          std::int32_t won = 0;
          pool_windows::consider(upper[g.channels + c] * a + o, 1, best, won);
          pool_windows::consider(lower[c] * a + o, 2, best, won);
          pool_windows::consider(lower[g.channels + c] * a + o, 3, best, won);
          d.out[pooled + c] = best < 0 ? T(0) : best;  // ReLU; NaN stays
          corner[i] = won;
        }
        for (std::int64_t i = 0; i < count; ++i) {
          d.where[pooled + first + i] = top_left + (corner[i] & 1) + (corner[i] >> 1) * g.width;
        }
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
                        at::Tensor& indices) {
  const Geometry g{x.size(2), x.size(3), x.size(1), output.size(2), output.size(3)};
  const auto grain = std::max<std::int64_t>(1, pool_windows::kValuesPerTask / (kWindow * g.width * g.channels));
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "gcbench::batch_norm_max_pool_relu", [&] {
    const PoolData<scalar_t> d(x, scale, offset, output, indices);
    at::parallel_for(0, x.size(0) * g.out_height, grain,
                     [&](std::int64_t begin, std::int64_t end) { pool_rows(d, g, begin, end); });
  });
}

}  // namespace gcbench::batch_norm_pool
