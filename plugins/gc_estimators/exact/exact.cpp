// exact: the full Jacobian norm, ||J_f(x)||_F^2 = sum over output dimensions d
// of ||grad_x f_d(x)||^2. The batch is replicated c = directions_per_pass times
// and sent forward once; each backward pass then seeds every copy with its own
// one-hot direction, so D directions take ceil(D / c) passes over one graph.
#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <gcbench/plugin.hpp>

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
    const std::int64_t copies = std::min(directions_per_pass_, dimension);
    std::vector<std::int64_t> repeats(inputs.dim(), 1);
    repeats[0] = copies;
    const auto x = inputs.detach().repeat(repeats).requires_grad_(true);  // [copies * batch, ...]
    const auto y = f(x);                                                  // [copies * batch, D]

    at::Tensor per_example = at::zeros({batch}, inputs.options().dtype(at::kDouble));
    gcbench::GcEstimate estimate;
    for (std::int64_t first = 0; first < dimension; first += copies) {
      const std::int64_t count = std::min(copies, dimension - first);
      // Copy j of the batch takes direction first + j; copies past the last direction get none.
      auto directions =
          at::arange(first, first + copies, inputs.options().dtype(at::kLong)).clamp_max(dimension - 1).repeat_interleave(batch);
      auto seed_grad = at::one_hot(directions, dimension).to(y.options());
      if (count < copies) seed_grad.slice(0, count * batch).zero_();
      const bool last = first + copies >= dimension;
      const auto grad = torch::autograd::grad({y}, {x}, {seed_grad}, /*retain_graph=*/!last)[0];
      per_example += grad.slice(0, 0, count * batch).to(at::kDouble).pow(2).flatten(1).sum(1).view({count, batch}).sum(0);
      ++estimate.backward_passes;
    }
    estimate.value = per_example.mean().item<double>();
    const auto on_host = per_example.to(at::kCPU).contiguous();  // the estimate may have run on a GPU
    estimate.per_example.assign(on_host.data_ptr<double>(), on_host.data_ptr<double>() + batch);
    return estimate;
  }

 private:
  std::int64_t directions_per_pass_;
};

gcbench::PluginInfo exact_info() {
  using namespace gcbench::option;
  return {
      gcbench::PluginKind::gc_estimator,
      "exact",
      "1.0.0",
      "exact GC: every output direction's input gradient, several directions per backward pass",
      {integer("directions_per_pass", 4, "copies of the batch sent forward once; directions per backward pass (memory x this)")
           .at_least(1)}};
}

}  // namespace

GCBENCH_REGISTER_GC_ESTIMATOR(ExactGc, exact_info)
