// GC-estimator plugins: estimate GC(f, batch) = mean over x of ||J_f(x)||_F^2,
// J_f(x) the Jacobian of the embedding with respect to the network's input
// (standardised images). The whole contract is in README.md beside plugin.hpp:
// eval mode, parameters frozen and autograd on when measuring, train mode for the penalty; every
// random choice from `seed`; a standard error from stochastic estimators.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <vector>

namespace gcbench {

// Maps a batch [B, ...] to embeddings [B, D], each row depending on its own
// input alone (networks are in eval mode). Differentiable with torch autograd.
using EmbeddingFunction = std::function<at::Tensor(const at::Tensor&)>;

struct GcEstimate {
  double value = 0.0;                    // the estimate of GC over the batch
  std::optional<double> standard_error;  // set by stochastic estimators
  std::vector<double> per_example;       // estimate of ||J_f(x)||_F^2 for each x
  std::int64_t backward_passes = 0;      // autograd backward calls made
};

class GcEstimator {
 public:
  virtual ~GcEstimator() = default;
  // `seed` fixes every random choice, so the same seed gives the same estimate.
  virtual GcEstimate estimate(const EmbeddingFunction& f, const at::Tensor& inputs, std::uint64_t seed) const = 0;

  // The GC penalty (loss += lambda * GC) needs the estimate as a scalar tensor
  // that autograd can differentiate with respect to f's parameters (double
  // backward). Estimators that can, override both; the harness refuses the
  // others for this use.
  virtual bool differentiable() const { return false; }
  virtual at::Tensor differentiable_estimate(const EmbeddingFunction& /*f*/, const at::Tensor& /*inputs*/,
                                             std::uint64_t /*seed*/) const {
    throw std::logic_error("this GC estimator has no differentiable estimate");
  }

  // The penalty on the training step's own forward pass, at the cost of a
  // double backward: `inputs` (requiring grad) went through f in train mode to
  // give `outputs`, which the loss also uses, so f runs once per step and batch
  // norm's statistics move once. `probes` random directions; 0: the estimator's
  // own count. Estimators that can, override both; the harness falls back to
  // differentiable_estimate for the others.
  virtual bool estimates_on_forward() const { return false; }
  virtual at::Tensor differentiable_estimate_on_forward(const at::Tensor& /*inputs*/, const at::Tensor& /*outputs*/,
                                                        std::uint64_t /*seed*/, std::int64_t /*probes*/) const {
    throw std::logic_error("this GC estimator cannot estimate on the training forward pass");
  }
};

}  // namespace gcbench
