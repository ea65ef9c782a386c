#include "batch_norm_training.hpp"

#include <ATen/ATen.h>
#include <ATen/Dispatch.h>
#include <torch/csrc/autograd/grad_mode.h>  // NoGradGuard

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace gcbench::batch_norm_training {

bool fusable(const at::Tensor& x, const torch::nn::BatchNorm2d& norm) {
  const auto& o = norm->options;
  return norm->is_training() && o.track_running_stats() && o.affine() && x.device().is_cpu() && x.dim() == 4 &&
         (x.scalar_type() == at::kFloat || x.scalar_type() == at::kDouble) && x.size(1) == norm->weight.numel() &&
         x.numel() / std::max<std::int64_t>(1, x.size(1)) > 1 && norm->weight.scalar_type() == x.scalar_type() &&
         norm->running_mean.is_contiguous() && norm->running_var.is_contiguous();
}

double count_batch(torch::nn::BatchNorm2d& norm) {
  {
    torch::NoGradGuard no_grad;
    norm->num_batches_tracked += 1;
  }
  const auto& momentum = norm->options.momentum();
  return momentum ? *momentum : 1.0 / norm->num_batches_tracked.item<double>();
}

Normalisation normalise(const batch_norm_pool::Statistics& s, const at::Tensor& x, const at::Tensor& weight,
                        const at::Tensor& bias, at::Tensor& running_mean, at::Tensor& running_var, double momentum, double eps) {
  const std::int64_t channels = x.size(1);
  const double count = static_cast<double>(x.numel()) / static_cast<double>(channels);  // exact: numel is N H W C
  Normalisation n;
  n.mean = at::empty({channels}, x.options());
  n.invstd = at::empty({channels}, x.options());
  n.scale = at::empty({channels}, x.options());
  n.offset = at::empty({channels}, x.options());
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "gcbench::batch_norm_training::normalise", [&] {
    const auto gamma = weight.contiguous(), beta = bias.contiguous();
    const auto* g = gamma.data_ptr<scalar_t>();
    const auto* b = beta.data_ptr<scalar_t>();
    auto* saved_mean = n.mean.data_ptr<scalar_t>();
    auto* saved_invstd = n.invstd.data_ptr<scalar_t>();
    auto* scales = n.scale.data_ptr<scalar_t>();
    auto* offsets = n.offset.data_ptr<scalar_t>();
    for (std::int64_t c = 0; c < channels; ++c) {
      const double invstd = 1.0 / std::sqrt(s.squared_deviations[c] / count + eps);
      saved_mean[c] = static_cast<scalar_t>(s.mean[c]);
      saved_invstd[c] = static_cast<scalar_t>(invstd);
      scales[c] = static_cast<scalar_t>(invstd * static_cast<double>(g[c]));
      offsets[c] = static_cast<scalar_t>(static_cast<double>(b[c]) - s.mean[c] * static_cast<double>(scales[c]));
    }
  });
  torch::NoGradGuard no_grad;
  const auto options = running_mean.options().dtype(at::kDouble);
  const auto batch_mean = at::tensor(s.mean, options);
  const auto batch_var = at::tensor(s.squared_deviations, options) / (count - 1);
  running_mean.mul_(1.0 - momentum).add_(batch_mean.to(running_mean.scalar_type()), momentum);
  running_var.mul_(1.0 - momentum).add_(batch_var.to(running_var.scalar_type()), momentum);
  return n;
}

}  // namespace gcbench::batch_norm_training
