// The fused batch norm, (residual,) ReLU's passes over a channels-last batch
// (batch_norm_relu_channels_last.cpp); batch_norm_relu.cpp decides when they run.
#pragma once

#include <ATen/core/Tensor.h>

namespace gcbench::batch_norm_activation {

// output = activation(scale[c] * x + offset[c] (+ residual)), every tensor
// channels-last; residual may be undefined. The activation: ReLU when slope
// is 0, else leaky ReLU with that slope.
void forward_channels_last(const at::Tensor& x, const at::Tensor& scale, const at::Tensor& offset, const at::Tensor& residual,
                           double slope, at::Tensor& output);

// Batch norm's input, weight and bias gradients, and the residual's (the
// gradient the activation passes; undefined unless asked for), from the
// output's gradient and what the forward saved. No graph of the backward.
struct Gradients {
  at::Tensor input, weight, bias, residual;
};
Gradients backward_channels_last(const at::Tensor& gradient, const at::Tensor& x, const at::Tensor& weight,
                                 const at::Tensor& output, const at::Tensor& mean, const at::Tensor& invstd, double slope,
                                 bool residual);

}  // namespace gcbench::batch_norm_activation
