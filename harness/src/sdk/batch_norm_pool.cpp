#include "gcbench/sdk/batch_norm_pool.hpp"

#include <ATen/ATen.h>
#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>
#include <torch/csrc/autograd/grad_mode.h>  // NoGradGuard

#include <cmath>
#include <cstdint>
#include <vector>

#include "gcbench/sdk/max_pool.hpp"
#include "pool_windows.hpp"

namespace gcbench {
namespace {

using pool_windows::kWindow;
using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

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

struct Shape {
  std::int64_t batch, channels, height, width;
  std::int64_t plane() const { return height * width; }
  std::int64_t pooled_plane() const { return (height / kWindow) * (width / kWindow); }
  std::int64_t per_channel() const { return batch * plane(); }
};

Shape shape_of(const at::Tensor& x) { return {x.size(0), x.size(1), x.size(2), x.size(3)}; }

// Per channel: the batch mean and the sum of squared deviations. One pass,
// shifted by the channel's first value so that a mean far from zero does not
// cancel the variance away.
template <typename T>
void batch_statistics(const T* x, const Shape& s, std::vector<double>& mean, std::vector<double>& squares) {
  at::parallel_for(0, s.channels, 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t c = begin; c < end; ++c) {
      const double shift = static_cast<double>(x[c * s.plane()]);
      double sums[kLanes] = {}, sums_of_squares[kLanes] = {};
      for (std::int64_t n = 0; n < s.batch; ++n) {
        accumulate(x + (n * s.channels + c) * s.plane(), s.plane(), shift, sums, sums_of_squares);
      }
      const double count = static_cast<double>(s.per_channel()), shifted_mean = total(sums) / count;
      mean[c] = shift + shifted_mean;
      squares[c] = std::max(0.0, total(sums_of_squares) - count * shifted_mean * shifted_mean);
    }
  });
}

struct Forward {
  at::Tensor output, indices, mean, invstd;
};

Forward normalise_pool_relu(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, at::Tensor& running_mean,
                            at::Tensor& running_var, double momentum, double eps) {
  const Shape s = shape_of(x);
  Forward f;
  f.output = at::empty({s.batch, s.channels, s.height / kWindow, s.width / kWindow}, x.options());
  f.indices = at::empty(f.output.sizes(), x.options().dtype(at::kLong));
  std::vector<double> mean(s.channels), squares(s.channels);
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "gcbench::batch_norm_max_pool_relu", [&] {
    const auto* in = x.data_ptr<scalar_t>();
    batch_statistics(in, s, mean, squares);
    const auto gamma = weight.contiguous(), beta = bias.contiguous();
    const auto* g = gamma.data_ptr<scalar_t>();
    const auto* b = beta.data_ptr<scalar_t>();
    std::vector<scalar_t> scale(s.channels), offset(s.channels);
    f.mean = at::empty({s.channels}, x.options());
    f.invstd = at::empty({s.channels}, x.options());
    auto* saved_mean = f.mean.data_ptr<scalar_t>();
    auto* saved_invstd = f.invstd.data_ptr<scalar_t>();
    for (std::int64_t c = 0; c < s.channels; ++c) {
      const double invstd = 1.0 / std::sqrt(squares[c] / static_cast<double>(s.per_channel()) + eps);
      saved_mean[c] = static_cast<scalar_t>(mean[c]);
      saved_invstd[c] = static_cast<scalar_t>(invstd);
      scale[c] = static_cast<scalar_t>(invstd * static_cast<double>(g[c]));
      offset[c] = static_cast<scalar_t>(static_cast<double>(b[c]) - mean[c] * static_cast<double>(scale[c]));
    }
    auto* out = f.output.data_ptr<scalar_t>();
    auto* where = f.indices.data_ptr<std::int64_t>();
    at::parallel_for(0, s.batch * s.channels, pool_windows::planes_per_task(s.plane()),
                     [&](std::int64_t begin, std::int64_t end) {
                       for (std::int64_t p = begin; p < end; ++p) {
                         const scalar_t a = scale[p % s.channels], o = offset[p % s.channels];
                         scalar_t* pooled = out + p * s.pooled_plane();
                         pool_windows::pool_plane(in + p * s.plane(), s.height, s.width, pooled, where + p * s.pooled_plane(),
                                                  [a, o](scalar_t v) { return v * a + o; });
                         for (std::int64_t i = 0; i < s.pooled_plane(); ++i)
                           pooled[i] = pooled[i] < 0 ? scalar_t(0) : pooled[i];  // NaN stays
                       }
                     });
  });
  // As BatchNorm2d's own forward: the unbiased variance goes into the running one
  // (fusable() asks for planes of at least 2x2, so a channel has more than one value).
  torch::NoGradGuard no_grad;
  const auto options = running_mean.options().dtype(at::kDouble);
  const auto count = static_cast<double>(s.per_channel());
  const auto batch_mean = at::tensor(mean, options);
  const auto batch_var = at::tensor(squares, options) / (count - 1);
  running_mean.mul_(1.0 - momentum).add_(batch_mean.to(running_mean.scalar_type()), momentum);
  running_var.mul_(1.0 - momentum).add_(batch_var.to(running_var.scalar_type()), momentum);
  return f;
}

class BatchNormPoolReluFunction : public torch::autograd::Function<BatchNormPoolReluFunction> {
 public:
  static at::Tensor forward(AutogradContext* context, const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                            at::Tensor running_mean, at::Tensor running_var, double momentum, double eps) {
    auto f = normalise_pool_relu(x, weight, bias, running_mean, running_var, momentum, eps);
    context->save_for_backward({x, weight, f.output, f.indices, f.mean, f.invstd});
    context->saved_data["eps"] = eps;
    return f.output;
  }

  // LibTorch's own three backward operators, each differentiable, so a graph of
  // the backward (a GC penalty's double backward) is the one through the three
  // apart. A hand-written fused backward (an affine map of x plus the gradient
  // at the windows' maxima) measured slower than these (7.9 against 4.1 ms for
  // [64, 64, 32, 32] on a 2-core EPYC): the plugins build for baseline x86-64.
  static tensor_list backward(AutogradContext* context, tensor_list gradients) {
    const auto saved = context->get_saved_variables();
    const auto &x = saved[0], &weight = saved[1], &output = saved[2], &indices = saved[3], &mean = saved[4], &invstd = saved[5];
    const auto after_relu = at::threshold_backward(gradients[0], output, 0);
    const auto after_pool = at::max_pool2d_with_indices_backward(after_relu, x, {kWindow, kWindow}, {kWindow, kWindow}, {0, 0},
                                                                 {1, 1}, false, indices);
    const auto [dx, dweight, dbias] = at::native_batch_norm_backward(after_pool, x, weight, {}, {}, mean, invstd, true,
                                                                     context->saved_data["eps"].toDouble(), {true, true, true});
    tensor_list gradients_of_inputs = {dx, dweight, dbias};
    gradients_of_inputs.resize(7);  // none for the running statistics, momentum and eps
    return gradients_of_inputs;
  }
};

bool fusable(const at::Tensor& x, const torch::nn::BatchNorm2d& norm) {
  const auto& o = norm->options;
  return norm->is_training() && o.track_running_stats() && o.affine() && x.device().is_cpu() && x.dim() == 4 &&
         (x.scalar_type() == at::kFloat || x.scalar_type() == at::kDouble) && x.is_contiguous() && x.size(0) > 0 &&
         x.size(1) == norm->weight.numel() && x.size(2) >= kWindow && x.size(3) >= kWindow &&
         norm->weight.scalar_type() == x.scalar_type() && norm->running_mean.is_contiguous() && norm->running_var.is_contiguous();
}

}  // namespace

at::Tensor batch_norm_max_pool_relu(const at::Tensor& x, torch::nn::BatchNorm2d& norm) {
  if (!fusable(x, norm)) return max_pool_2x2(norm->forward(x)).relu_();
  {
    torch::NoGradGuard no_grad;
    norm->num_batches_tracked += 1;  // as BatchNorm2d's forward counts
  }
  const auto& o = norm->options;
  const double momentum = o.momentum() ? *o.momentum() : 1.0 / norm->num_batches_tracked.item<double>();
  return BatchNormPoolReluFunction::apply(x, norm->weight, norm->bias, norm->running_mean, norm->running_var, momentum, o.eps());
}

}  // namespace gcbench
