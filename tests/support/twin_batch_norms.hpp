// For the fused batch-norm tests: two BatchNorm2d modules in the same
// non-trivial state, one for the fused operation, one for the operations apart.
#pragma once

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <torch/nn/modules/batchnorm.h>

#include <utility>

namespace gcbench::testing {

// Weights 0.5 .. 1.5, biases -0.3 .. 0.3, running mean 0.2 and variance 2, in `type`.
inline std::pair<torch::nn::BatchNorm2d, torch::nn::BatchNorm2d> twin_batch_norms(const torch::nn::BatchNorm2dOptions& options,
                                                                                  at::ScalarType type = at::kFloat) {
  const std::int64_t channels = options.num_features();
  torch::nn::BatchNorm2d first(options), second(options);
  first->to(type);
  second->to(type);
  torch::NoGradGuard no_grad;
  for (auto* norm : {&first, &second}) {
    (*norm)->weight.copy_(at::linspace(0.5, 1.5, channels));
    (*norm)->bias.copy_(at::linspace(-0.3, 0.3, channels));
    (*norm)->running_mean.fill_(0.2);
    (*norm)->running_var.fill_(2.0);
  }
  return {first, second};
}

// Same sizes and allclose: float rounding apart.
inline bool close(const at::Tensor& a, const at::Tensor& b, double relative = 1e-5, double absolute = 1e-6) {
  return a.sizes() == b.sizes() && at::allclose(a, b, relative, absolute);
}

}  // namespace gcbench::testing
