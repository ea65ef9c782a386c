// What every fused training-mode batch norm shares (batch_norm_pool.cpp,
// batch_norm_relu.cpp): when one applies, and the batch statistics turned into
// the per-channel affine map, with BatchNorm2d's running-statistics update.
#pragma once

#include <ATen/core/Tensor.h>
#include <torch/nn/modules/batchnorm.h>

#include <cstdint>
#include <vector>

#include "batch_norm_pool_kernels.hpp"

namespace gcbench::batch_norm_training {

// Channels-last and not also contiguous (a 1x1 plane is both, and LibTorch
// then treats it as contiguous): the layout the channels-last kernels take.
inline bool is_channels_last(const at::Tensor& x) {
  return !x.is_contiguous() && x.is_contiguous(at::MemoryFormat::ChannelsLast);
}

// Whether `norm` normalises x with batch statistics in a form the fused
// kernels take: training mode with running statistics and affine parameters,
// a 4-d CPU batch of float or double matching the norm's channels and type,
// with more than one value per channel (BatchNorm2d's own condition; the
// unbiased variance divides by count - 1).
bool fusable(const at::Tensor& x, const torch::nn::BatchNorm2d& norm);

// Counts one more batch into `norm`, as BatchNorm2d's forward does, and gives
// the momentum of its running-statistics update (a cumulative average without one).
double count_batch(torch::nn::BatchNorm2d& norm);

// Batch norm in training mode as y = scale * x + offset per channel, and the
// mean and 1 / std that LibTorch's batch-norm backward takes.
struct Normalisation {
  at::Tensor mean, invstd, scale, offset;  // [C] each, in x's type
};

// From x's per-channel statistics (summed in double); moves the running
// statistics as BatchNorm2d's forward does (the unbiased variance into the running one).
Normalisation normalise(const batch_norm_pool::Statistics& statistics, const at::Tensor& x, const at::Tensor& weight,
                        const at::Tensor& bias, at::Tensor& running_mean, at::Tensor& running_var, double momentum, double eps);

// Adds a block of `count` channels' gradients g and g (value - mean), in
// double, into the backward's two per-channel sums (the callers' vector loops
// inline it, in each of their clones).
template <typename T>
inline void add_gradient_sums(const T* __restrict g, const T* __restrict values, const double* __restrict mean,
                              std::int64_t count, double* __restrict sums, double* __restrict products) {
  for (std::int64_t i = 0; i < count; ++i) {
    const double gradient = static_cast<double>(g[i]);
    sums[i] += gradient;
    products[i] += gradient * (static_cast<double>(values[i]) - mean[i]);
  }
}

// Batch norm's backward from two per-channel sums over the batch, of the
// gradient g arriving at its output and of g (x - mean): the weight's and the
// bias's gradients (written to dweight, dbias), and per channel, in x's type,
// the input's gradient dx = scale (g - gradient_mean) + slope (x - mean).
template <typename T>
struct InputGradient {
  std::vector<T> scale, gradient_mean, slope, mean;
};

template <typename T>
InputGradient<T> backward_coefficients(const std::vector<double>& sums, const std::vector<double>& products, const double* gamma,
                                       const double* mean, const double* invstd, double count, T* dweight, T* dbias) {
  const auto channels = static_cast<std::int64_t>(sums.size());
  InputGradient<T> k{std::vector<T>(channels), std::vector<T>(channels), std::vector<T>(channels), std::vector<T>(channels)};
  for (std::int64_t c = 0; c < channels; ++c) {
    const double scale = gamma[c] * invstd[c];
    dweight[c] = static_cast<T>(products[c] * invstd[c]);
    dbias[c] = static_cast<T>(sums[c]);
    k.scale[c] = static_cast<T>(scale);
    k.gradient_mean[c] = static_cast<T>(sums[c] / count);
    k.slope[c] = static_cast<T>(-scale * invstd[c] * invstd[c] * products[c] / count);
    k.mean[c] = static_cast<T>(mean[c]);
  }
  return k;
}

}  // namespace gcbench::batch_norm_training
