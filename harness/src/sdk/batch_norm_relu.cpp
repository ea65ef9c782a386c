#include "gcbench/sdk/batch_norm_relu.hpp"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/custom_function.h>
#include <torch/csrc/autograd/grad_mode.h>  // GradMode

#include <sstream>
#include <stdexcept>

#include "batch_norm_pool_kernels.hpp"  // the channels-last statistics
#include "batch_norm_relu_kernels.hpp"
#include "batch_norm_training.hpp"

namespace gcbench {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

constexpr auto kChannelsLast = at::MemoryFormat::ChannelsLast;

// The forward and backward both autograd functions below share; residual
// undefined for none (a custom function's inputs must all be defined tensors,
// so each variant has its own function).
at::Tensor normalise_forward(AutogradContext* context, const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                             const at::Tensor& residual, at::Tensor& running_mean, at::Tensor& running_var, double momentum,
                             double eps, double slope) {
  const auto statistics = batch_norm_pool::statistics_of_channels_last(x);
  const auto n = batch_norm_training::normalise(statistics, x, weight, bias, running_mean, running_var, momentum, eps);
  auto output = at::empty_like(x, x.options().memory_format(kChannelsLast));
  batch_norm_activation::forward_channels_last(x, n.scale, n.offset,
                                               residual.defined() ? residual.contiguous(kChannelsLast) : residual, slope, output);
  context->save_for_backward({x, weight, output, n.mean, n.invstd});
  context->saved_data["eps"] = eps;
  context->saved_data["slope"] = slope;
  return output;
}

// x's, the weight's and the bias's gradients, then the residual's if asked for.
// Where a graph of the backward is wanted (a GC penalty's double backward),
// LibTorch's own backward operators, each differentiable, so the graph is
// the one through the operations apart. Otherwise the fused passes.
tensor_list normalise_backward(AutogradContext* context, const tensor_list& gradients, bool residual) {
  const auto saved = context->get_saved_variables();
  const auto &x = saved[0], &weight = saved[1], &output = saved[2], &mean = saved[3], &invstd = saved[4];
  const double slope = context->saved_data["slope"].toDouble();
  const auto gradient = gradients[0].contiguous(kChannelsLast);
  if (!at::GradMode::is_enabled()) {
    auto g = batch_norm_activation::backward_channels_last(gradient, x, weight, output, mean, invstd, slope, residual);
    return {g.input, g.weight, g.bias, g.residual};
  }
  const auto passed = slope == 0.0 ? at::threshold_backward(gradient, output, 0)
                                   : at::leaky_relu_backward(gradient, output, slope, /*self_is_result=*/true);
  const auto [dx, dweight, dbias] = at::native_batch_norm_backward(passed, x, weight, {}, {}, mean, invstd, true,
                                                                   context->saved_data["eps"].toDouble(), {true, true, true});
  return {dx, dweight, dbias, residual ? passed : at::Tensor()};
}

class BatchNormReluFunction : public torch::autograd::Function<BatchNormReluFunction> {
 public:
  static at::Tensor forward(AutogradContext* context, const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                            at::Tensor running_mean, at::Tensor running_var, double momentum, double eps, double slope) {
    return normalise_forward(context, x, weight, bias, {}, running_mean, running_var, momentum, eps, slope);
  }

  static tensor_list backward(AutogradContext* context, const tensor_list& gradients) {
    auto g = normalise_backward(context, gradients, false);
    g.resize(8);  // none for the running statistics, momentum, eps and slope
    return g;
  }
};

class BatchNormAddReluFunction : public torch::autograd::Function<BatchNormAddReluFunction> {
 public:
  static at::Tensor forward(AutogradContext* context, const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                            const at::Tensor& residual, at::Tensor running_mean, at::Tensor running_var, double momentum,
                            double eps, double slope) {
    return normalise_forward(context, x, weight, bias, residual, running_mean, running_var, momentum, eps, slope);
  }

  static tensor_list backward(AutogradContext* context, const tensor_list& gradients) {
    auto g = normalise_backward(context, gradients, true);
    g.resize(9);  // none for the running statistics, momentum, eps and slope
    return g;
  }
};

bool fusable(const at::Tensor& x, const torch::nn::BatchNorm2d& norm, const at::Tensor& residual) {
  return batch_norm_training::is_channels_last(x) && batch_norm_training::fusable(x, norm) &&
         (!residual.defined() ||
          (residual.sizes() == x.sizes() && residual.scalar_type() == x.scalar_type() && residual.device() == x.device()));
}

at::Tensor apart(const at::Tensor& x, torch::nn::BatchNorm2d& norm, const at::Tensor& residual, double slope) {
  auto y = norm->forward(x);
  if (residual.defined()) y = y + residual;
  return slope == 0.0 ? y.relu_() : at::leaky_relu_(y, slope);
}

// caller: the public function's name, for the messages.
at::Tensor normalise_and_activate(const char* caller, const at::Tensor& x, torch::nn::BatchNorm2d& norm,
                                  const at::Tensor& residual, double slope) {
  if (!(slope >= 0.0)) {
    std::ostringstream message;
    message << "gcbench::" << caller << ": negative_slope is " << slope
            << "; give 0 for ReLU or a leaky ReLU's slope (0 or more)";
    throw std::invalid_argument(message.str());
  }
  if (!fusable(x, norm, residual)) return apart(x, norm, residual, slope);
  const double momentum = batch_norm_training::count_batch(norm);
  const double eps = norm->options.eps();
  if (residual.defined()) {
    return BatchNormAddReluFunction::apply(x, norm->weight, norm->bias, residual, norm->running_mean, norm->running_var, momentum,
                                           eps, slope);
  }
  return BatchNormReluFunction::apply(x, norm->weight, norm->bias, norm->running_mean, norm->running_var, momentum, eps, slope);
}

}  // namespace

at::Tensor batch_norm_relu(const at::Tensor& x, torch::nn::BatchNorm2d& norm, double negative_slope) {
  return normalise_and_activate("batch_norm_relu", x, norm, at::Tensor(), negative_slope);
}

at::Tensor batch_norm_add_relu(const at::Tensor& x, torch::nn::BatchNorm2d& norm, const at::Tensor& residual,
                               double negative_slope) {
  if (!residual.defined()) {
    throw std::invalid_argument(
        "gcbench::batch_norm_add_relu: the residual is an undefined tensor; pass the tensor to add (x's sizes), or call "
        "gcbench::batch_norm_relu where there is none");
  }
  return normalise_and_activate("batch_norm_add_relu", x, norm, residual, negative_slope);
}

}  // namespace gcbench
