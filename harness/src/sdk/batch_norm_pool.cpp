#include "gcbench/sdk/batch_norm_pool.hpp"

#include <ATen/ATen.h>
#include <ATen/Dispatch.h>
#include <torch/csrc/autograd/custom_function.h>
#include <torch/csrc/autograd/grad_mode.h>  // GradMode

#include <cstdint>
#include <vector>

#include "batch_norm_pool_kernels.hpp"
#include "batch_norm_training.hpp"
#include "gcbench/sdk/max_pool.hpp"
#include "pool_windows.hpp"

namespace gcbench {
namespace {

using batch_norm_training::is_channels_last;
using pool_windows::kWindow;
using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

struct Forward {
  at::Tensor output, winners, mean, invstd;  // winners: int64 indices on planes, uint8 corners in channels-last
};

Forward normalise_pool_relu(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, at::Tensor& running_mean,
                            at::Tensor& running_var, double momentum, double eps) {
  const bool channels_last = is_channels_last(x);
  const auto s = channels_last ? batch_norm_pool::statistics_of_channels_last(x) : batch_norm_pool::statistics_of_planes(x);
  const auto n = batch_norm_training::normalise(s, x, weight, bias, running_mean, running_var, momentum, eps);
  Forward f{{}, {}, n.mean, n.invstd};
  const auto layout = channels_last ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous;
  const std::vector<std::int64_t> pooled = {x.size(0), x.size(1), x.size(2) / kWindow, x.size(3) / kWindow};
  f.output = at::empty(pooled, x.options().memory_format(layout));
  f.winners = at::empty(pooled, x.options().dtype(channels_last ? at::kByte : at::kLong).memory_format(layout));
  if (channels_last) {
    batch_norm_pool::pool_channels_last(x, n.scale, n.offset, f.output, f.winners);
  } else {
    batch_norm_pool::pool_planes(x, n.scale, n.offset, f.output, f.winners);
  }
  return f;
}

class BatchNormPoolReluFunction : public torch::autograd::Function<BatchNormPoolReluFunction> {
 public:
  static at::Tensor forward(AutogradContext* context, const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                            at::Tensor running_mean, at::Tensor running_var, double momentum, double eps) {
    auto f = normalise_pool_relu(x, weight, bias, running_mean, running_var, momentum, eps);
    context->save_for_backward({x, weight, f.output, f.winners, f.mean, f.invstd});
    context->saved_data["eps"] = eps;
    return f.output;
  }

  // Where a graph of the backward is wanted (a GC penalty's double backward),
  // LibTorch's own three backward operators, each differentiable, so the graph
  // is the one through the three apart. Otherwise, on channels-last batches,
  // one fused backward (batch_norm_pool_backward_channels_last.cpp). On NCHW
  // planes it stays the three: a hand-written fused backward there measured
  // slower (7.9 against 4.1 ms for [64, 64, 32, 32] on a 2-core EPYC, built
  // for baseline x86-64, before the kernels had vector clones).
  static tensor_list backward(AutogradContext* context, tensor_list gradients) {
    const auto saved = context->get_saved_variables();
    const auto &x = saved[0], &weight = saved[1], &output = saved[2], &winners = saved[3], &mean = saved[4], &invstd = saved[5];
    const bool channels_last = winners.scalar_type() == at::kByte;
    // In the output's layout, so that each backward runs its kernel for that layout.
    const auto gradient = gradients[0].contiguous(channels_last ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous);
    if (channels_last && !at::GradMode::is_enabled()) {
      auto g = batch_norm_pool::backward_channels_last(gradient, x, weight, output, winners, mean, invstd);
      tensor_list gradients_of_inputs = {g.input, g.weight, g.bias};
      gradients_of_inputs.resize(7);
      return gradients_of_inputs;
    }
    const auto indices = channels_last ? batch_norm_pool::indices_of_corners(winners, x.size(3)) : winners;
    const auto after_relu = at::threshold_backward(gradient, output, 0);
    const auto after_pool = at::max_pool2d_with_indices_backward(after_relu, x, {kWindow, kWindow}, {kWindow, kWindow}, {0, 0},
                                                                 {1, 1}, false, indices);
    const auto [dx, dweight, dbias] = at::native_batch_norm_backward(after_pool, x, weight, {}, {}, mean, invstd, true,
                                                                     context->saved_data["eps"].toDouble(), {true, true, true});
    tensor_list gradients_of_inputs = {dx, dweight, dbias};
    gradients_of_inputs.resize(7);  // none for the running statistics, momentum and eps
    return gradients_of_inputs;
  }
};

// Planes of at least 2x2, so that each has a window.
bool fusable(const at::Tensor& x, const torch::nn::BatchNorm2d& norm) {
  return batch_norm_training::fusable(x, norm) && (x.is_contiguous() || x.is_contiguous(at::MemoryFormat::ChannelsLast)) &&
         x.size(2) >= kWindow && x.size(3) >= kWindow;
}

}  // namespace

at::Tensor batch_norm_max_pool_relu(const at::Tensor& x, torch::nn::BatchNorm2d& norm) {
  if (!fusable(x, norm)) return max_pool_2x2(norm->forward(x)).relu_();
  const double momentum = batch_norm_training::count_batch(norm);
  const auto& o = norm->options;
  return BatchNormPoolReluFunction::apply(x, norm->weight, norm->bias, norm->running_mean, norm->running_var, momentum, o.eps());
}

}  // namespace gcbench
