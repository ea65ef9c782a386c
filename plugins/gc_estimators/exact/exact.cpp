// exact: the full Jacobian norm, ||J_f(x)||_F^2 = sum over output dimensions d
// of ||grad_x f_d(x)||^2. Several output directions share one backward pass:
// the batch is replicated once per direction, and each copy is seeded with its
// own one-hot direction.
#include <ATen/ATen.h>
#include <gcbench/plugin.hpp>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>

namespace {

class ExactGc : public gcbench::GcEstimator {
 public:
  explicit ExactGc(const gcbench::Options& options) : directions_per_pass_(options.get<std::int64_t>("directions_per_pass")) {}

  gcbench::GcEstimate estimate(const gcbench::EmbeddingFunction& f, const at::Tensor& inputs,
                               std::uint64_t /*seed*/) const override {
    torch::AutoGradMode enable_grad(true);
    const std::int64_t batch = inputs.size(0);
    std::int64_t dimension = 0;
    {
      torch::NoGradGuard no_grad;
      dimension = f(inputs.slice(0, 0, 1)).size(1);
    }
    at::Tensor per_example = at::zeros({batch}, at::kDouble);
    gcbench::GcEstimate estimate;
    for (std::int64_t first = 0; first < dimension; first += directions_per_pass_) {
      const std::int64_t count = std::min(directions_per_pass_, dimension - first);
      std::vector<std::int64_t> repeats(inputs.dim(), 1);
      repeats[0] = count;
      const auto x = inputs.detach().repeat(repeats).requires_grad_(true);  // [count * batch, ...]
      const auto y = f(x);                                                  // [count * batch, D]
      // Copy j of the batch takes direction first + j.
      const auto directions = at::arange(first, first + count, at::kLong).repeat_interleave(batch);
      const auto seed_grad = at::one_hot(directions, dimension).to(y.scalar_type());
      const auto grad = torch::autograd::grad({y}, {x}, {seed_grad})[0];
      per_example += grad.to(at::kDouble).pow(2).flatten(1).sum(1).view({count, batch}).sum(0);
      ++estimate.backward_passes;
    }
    estimate.value = per_example.mean().item<double>();
    estimate.per_example.assign(per_example.data_ptr<double>(), per_example.data_ptr<double>() + batch);
    return estimate;
  }

 private:
  std::int64_t directions_per_pass_;
};

gcbench::PluginInfo exact_info() {
  using namespace gcbench::option;
  return {gcbench::PluginKind::gc_estimator, "exact", "1.0.0",
          "exact GC: every output direction's input gradient, several directions per backward pass",
          {integer("directions_per_pass", 8, "output directions batched into one backward pass (memory x this)")
               .at_least(1)}};
}

}  // namespace

GCBENCH_REGISTER_GC_ESTIMATOR(ExactGc, exact_info)
