// The fused batch norm, max-pool and ReLU's two passes over a batch, for each
// memory layout: batch_norm_pool_planes.cpp (NCHW, contiguous) and
// batch_norm_pool_channels_last.cpp (NHWC). batch_norm_pool.cpp chooses.
#pragma once

#include <ATen/core/Tensor.h>

#include <algorithm>
#include <cstdint>
#include <vector>

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

Statistics statistics_of_planes(const at::Tensor& x);
Statistics statistics_of_channels_last(const at::Tensor& x);

// Each 2x2 window's maximum of scale[c] * x + offset[c], then ReLU, into
// output ([N, C, H / 2, W / 2], in x's layout) and the winners' indices into
// their plane (as max_pool2d_with_indices gives them, in the same layout).
// The pool pass's tensors as typed pointers.
template <typename T>
struct PoolData {
  PoolData(const at::Tensor& x, const at::Tensor& scale_, const at::Tensor& offset_, at::Tensor& output, at::Tensor& indices)
      : in(x.data_ptr<T>()),
        scale(scale_.data_ptr<T>()),
        offset(offset_.data_ptr<T>()),
        out(output.data_ptr<T>()),
        where(indices.data_ptr<std::int64_t>()) {}
  const T* in;
  const T* scale;
  const T* offset;
  T* out;
  std::int64_t* where;
};

void pool_planes(const at::Tensor& x, const at::Tensor& scale, const at::Tensor& offset, at::Tensor& output, at::Tensor& indices);
void pool_channels_last(const at::Tensor& x, const at::Tensor& scale, const at::Tensor& offset, at::Tensor& output,
                        at::Tensor& indices);

}  // namespace gcbench::batch_norm_pool
