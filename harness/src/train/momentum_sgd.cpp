#include "train/momentum_sgd.hpp"

#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>
#include <ATen/core/Tensor.h>
#include <ATen/core/grad_mode.h>
#include <ATen/ops/empty_like.h>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <utility>

// at::parallel_for splits the update across threads only where this file is
// compiled with OpenMP (LibTorch's OpenMP builds; sdk/parallel_kernels.hpp).
#if AT_PARALLEL_OPENMP && !defined(_OPENMP)
#error "compile with OpenMP (link OpenMP::OpenMP_CXX): without it at::parallel_for runs on one thread in this LibTorch"
#endif

// The update loop built for AVX-512, for AVX2 with FMA, and for baseline x86-64,
// chosen at load time (the harness builds for baseline x86-64). Every clone
// rounds alike: this file builds with -ffp-contract=off, and the one fused
// multiply-add ATen makes is written out as std::fma, which is exact everywhere
// (a call into libm on a CPU without FMA).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)  // clang (clang-tidy) clones no templates
#define GCBENCH_UPDATE_CLONES __attribute__((target_clones("avx512f", "arch=haswell", "default")))
#else
#define GCBENCH_UPDATE_CLONES
#endif

namespace gcbench {
namespace {

enum class Momentum { none, first_step, later_step };

template <typename T>
struct Factors {
  T momentum, minus_lr, decay;
};

// theta, its gradient and its momentum buffer over [0, n), each value as
// LibTorch computes it (torch::optim::SGD, then the decay's mul_):
//   buffer   = first step: g; later: buffer * momentum (rounded) + g (rounded)
//   direction = nesterov: fma(buffer, momentum, g) (ATen's add with alpha); else buffer
//   theta     = fma(direction, -lr, theta) (ATen's add_ with alpha), then * decay (rounded)
// The branches are template arguments, so each loop has none and vectorises.
template <typename T, Momentum kMomentum, bool kNesterov, bool kDecay>
GCBENCH_UPDATE_CLONES void update(T* __restrict theta, const T* __restrict gradient, T* __restrict buffer, std::int64_t n,
                                  Factors<T> f) {
  for (std::int64_t i = 0; i < n; ++i) {
    T direction = gradient[i];
    if constexpr (kMomentum != Momentum::none) {
      const T b = kMomentum == Momentum::first_step ? gradient[i] : buffer[i] * f.momentum + gradient[i];
      buffer[i] = b;
      direction = kNesterov ? std::fma(b, f.momentum, gradient[i]) : b;
    }
    const T moved = std::fma(direction, f.minus_lr, theta[i]);
    theta[i] = kDecay ? moved * f.decay : moved;
  }
}

template <typename T, Momentum kMomentum, bool kNesterov>
void update_in_parallel(T* theta, const T* gradient, T* buffer, std::int64_t n, Factors<T> f, bool decays) {
  constexpr std::int64_t kGrain = 1 << 15;  // values a task: a small parameter runs on one thread
  at::parallel_for(0, n, kGrain, [&](std::int64_t begin, std::int64_t end) {
    T* b = kMomentum == Momentum::none ? nullptr : buffer + begin;
    if (decays) {
      update<T, kMomentum, kNesterov, true>(theta + begin, gradient + begin, b, end - begin, f);
    } else {
      update<T, kMomentum, kNesterov, false>(theta + begin, gradient + begin, b, end - begin, f);
    }
  });
}

// The update runs over the three tensors' memory in order, so they must lay their
// values out alike: dense, with the same strides (contiguous, or channels-last
// convolution weights and their gradients alike).
bool fusable(const at::Tensor& theta, const at::Tensor& gradient, const at::Tensor& buffer) {
  return theta.device().is_cpu() && (theta.scalar_type() == at::kFloat || theta.scalar_type() == at::kDouble) &&
         gradient.scalar_type() == theta.scalar_type() && gradient.device() == theta.device() && !gradient.is_sparse() &&
         theta.is_non_overlapping_and_dense() && gradient.sizes() == theta.sizes() && gradient.strides() == theta.strides() &&
         (!buffer.defined() || buffer.strides() == theta.strides());
}

}  // namespace

MomentumSgd::MomentumSgd(std::vector<at::Tensor> parameters, double momentum, bool nesterov)
    : parameters_(std::move(parameters)), buffers_(parameters_.size()), momentum_(momentum), nesterov_(nesterov) {
  if (nesterov_ && momentum_ <= 0) {
    throw std::invalid_argument("training.nesterov = true needs training.momentum > 0 (it is " + std::to_string(momentum_) +
                                "); set a momentum or turn Nesterov off");
  }
}

void MomentumSgd::zero_grad() {
  for (auto& theta : parameters_) theta.mutable_grad() = at::Tensor();
}

void MomentumSgd::step(double lr, double weight_decay) {
  at::NoGradGuard no_grad;
  const bool decays = weight_decay > 0;
  const double decay = 1.0 - lr * weight_decay;
  const bool has_momentum = momentum_ != 0;
  for (std::size_t k = 0; k < parameters_.size(); ++k) {
    auto& theta = parameters_[k];
    const auto& gradient = theta.grad();
    if (!gradient.defined()) {
      if (decays) theta.mul_(decay);
      continue;
    }
    auto& buffer = buffers_[k];
    if (!fusable(theta, gradient, buffer)) {  // LibTorch's own operations, in torch::optim::SGD's order
      at::Tensor direction = gradient;
      if (has_momentum) {
        if (buffer.defined()) {
          buffer.mul_(momentum_).add_(gradient);
        } else {
          buffer = gradient.clone();
        }
        direction = nesterov_ ? gradient.add(buffer, momentum_) : buffer;
      }
      theta.add_(direction, -lr);
      if (decays) theta.mul_(decay);
      continue;
    }
    const bool first_step = has_momentum && !buffer.defined();
    if (first_step) buffer = at::empty_like(theta);
    AT_DISPATCH_FLOATING_TYPES(theta.scalar_type(), "gcbench::MomentumSgd::step", [&] {
      const Factors<scalar_t> f{static_cast<scalar_t>(momentum_), static_cast<scalar_t>(-lr), static_cast<scalar_t>(decay)};
      auto* t = theta.data_ptr<scalar_t>();
      const auto* g = gradient.data_ptr<scalar_t>();
      auto* b = has_momentum ? buffer.data_ptr<scalar_t>() : nullptr;
      const std::int64_t n = theta.numel();
      if (!has_momentum) {
        update_in_parallel<scalar_t, Momentum::none, false>(t, g, b, n, f, decays);
      } else if (first_step) {
        nesterov_ ? update_in_parallel<scalar_t, Momentum::first_step, true>(t, g, b, n, f, decays)
                  : update_in_parallel<scalar_t, Momentum::first_step, false>(t, g, b, n, f, decays);
      } else {
        nesterov_ ? update_in_parallel<scalar_t, Momentum::later_step, true>(t, g, b, n, f, decays)
                  : update_in_parallel<scalar_t, Momentum::later_step, false>(t, g, b, n, f, decays);
      }
    });
  }
}

}  // namespace gcbench
