// The fused batch norm, max-pool and ReLU on contiguous (NCHW) batches: a
// channel's values are N planes apart.
#include <ATen/Dispatch.h>
#include <ATen/core/Tensor.h>

#include <algorithm>
#include <cstdint>

#include "batch_norm_pool_kernels.hpp"
#include "parallel_kernels.hpp"
#include "pool_windows.hpp"

namespace gcbench::batch_norm_pool {
namespace {

constexpr int kLanes = 16;  // independent partial sums, so the compiler vectorises a sum in double

// Sums of (v - shift) and of its square over n values, in double, lane by lane.
template <typename T>
void accumulate(const T* values, std::int64_t n, double shift, double* sums, double* squares) {
  const auto add = [&](int lane, T value) {
    const double d = static_cast<double>(value) - shift;
    sums[lane] += d;
    squares[lane] += d * d;
  };
  std::int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (int k = 0; k < kLanes; ++k) add(k, values[i + k]);
  }
  for (; i < n; ++i) add(0, values[i]);
}

double total(const double* lanes) {
  double sum = 0.0;
  for (int k = 0; k < kLanes; ++k) sum += lanes[k];
  return sum;
}

template <typename T>
void plane_statistics(const T* x, std::int64_t batch, std::int64_t channels, std::int64_t plane, Statistics& s) {
  at::parallel_for(0, channels, 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t c = begin; c < end; ++c) {
      const double shift = static_cast<double>(x[c * plane]);
      double sums[kLanes] = {}, sums_of_squares[kLanes] = {};
      for (std::int64_t n = 0; n < batch; ++n) {
        accumulate(x + (n * channels + c) * plane, plane, shift, sums, sums_of_squares);
      }
      s.set(c, shift, total(sums), total(sums_of_squares), static_cast<double>(batch * plane));
    }
  });
}

}  // namespace

Statistics statistics_of_planes(const at::Tensor& x) {
  const auto channels = x.size(1);
  Statistics s{std::vector<double>(channels), std::vector<double>(channels)};
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "gcbench::batch_norm_max_pool_relu",
                             [&] { plane_statistics(x.data_ptr<scalar_t>(), x.size(0), channels, x.size(2) * x.size(3), s); });
  return s;
}

void pool_planes(const at::Tensor& x, const at::Tensor& scale, const at::Tensor& offset, at::Tensor& output,
                 at::Tensor& indices) {
  const std::int64_t channels = x.size(1), height = x.size(2), width = x.size(3);
  const std::int64_t plane = height * width, pooled_plane = output.size(2) * output.size(3);
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "gcbench::batch_norm_max_pool_relu", [&] {
    const PoolData<scalar_t> d(x, scale, offset, output, indices);
    at::parallel_for(0, x.size(0) * channels, pool_windows::planes_per_task(plane), [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t p = begin; p < end; ++p) {
        const scalar_t a = d.scale[p % channels], o = d.offset[p % channels];
        scalar_t* pooled = d.out + p * pooled_plane;
        pool_windows::pool_plane(d.in + p * plane, height, width, pooled, d.where + p * pooled_plane,
                                 [a, o](scalar_t v) { return v * a + o; });
        for (std::int64_t i = 0; i < pooled_plane; ++i) pooled[i] = pooled[i] < 0 ? scalar_t(0) : pooled[i];  // NaN stays
      }
    });
  });
}

}  // namespace gcbench::batch_norm_pool
