// A GC estimator that is wrong on purpose: the full Jacobian's value times 1.25,
// presented as exact. `gcbench check-plugin biased` must fail it.
#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <gcbench/plugin.hpp>

namespace {
class Biased : public gcbench::GcEstimator {
 public:
  explicit Biased(const gcbench::Options&) {}
  gcbench::GcEstimate estimate(const gcbench::EmbeddingFunction& f, const at::Tensor& inputs, std::uint64_t) const override {
    torch::AutoGradMode enable_grad(true);
    const auto x = inputs.detach().clone().requires_grad_(true);
    const auto y = f(x);
    double total = 0;
    for (std::int64_t d = 0; d < y.size(1); ++d) {
      total += torch::autograd::grad({y.select(1, d).sum()}, {x}, {}, true)[0].pow(2).sum().item<double>();
    }
    gcbench::GcEstimate estimate;
    estimate.value = 1.25 * total / static_cast<double>(inputs.size(0));
    estimate.backward_passes = y.size(1);
    return estimate;
  }
};
gcbench::PluginInfo info() { return {gcbench::PluginKind::gc_estimator, "biased", "0.0.1", "25% too high", {}}; }
}  // namespace

GCBENCH_REGISTER_GC_ESTIMATOR(Biased, info)
