// output_sampling: k random embedding coordinates per example, rescaled by D / k:
// E[(D/k) sum_{d in S} ||grad_x f_d(x)||^2] = ||J_f(x)||_F^2. Cheap, but with
// higher variance than Hutchinson's probes when a few coordinates dominate.
#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <gcbench/plugin.hpp>

#include <algorithm>
#include <cmath>

namespace {

class OutputSamplingGc : public gcbench::GcEstimator {
 public:
  explicit OutputSamplingGc(const gcbench::Options& options) : outputs_(options.get<std::int64_t>("outputs")) {}

  gcbench::GcEstimate estimate(const gcbench::EmbeddingFunction& f, const at::Tensor& inputs, std::uint64_t seed) const override {
    torch::AutoGradMode enable_grad(true);
    const std::int64_t batch = inputs.size(0);
    std::int64_t dimension = 0;
    {
      torch::NoGradGuard no_grad;
      dimension = f(inputs.slice(0, 0, 1)).size(1);
    }
    const std::int64_t k = std::min(outputs_, dimension);
    // Each example draws its own k coordinates without replacement.
    gcbench::SeededRandom random(seed);
    const auto chosen = random.uniform({batch, dimension}, inputs.options().dtype(at::kDouble))
                            .argsort(/*dim=*/1, /*descending=*/false)
                            .slice(1, 0, k);  // [B, k]

    std::vector<std::int64_t> repeats(inputs.dim(), 1);
    repeats[0] = k;
    const auto x = inputs.detach().repeat(repeats).requires_grad_(true);  // copy j: coordinate chosen[:, j]
    const auto y = f(x);
    const auto seed_grad = at::one_hot(chosen.t().reshape({-1}), dimension).to(y.options());
    const auto grad = torch::autograd::grad({y}, {x}, {seed_grad})[0];
    const auto samples = grad.to(at::kDouble).pow(2).flatten(1).sum(1).view({k, batch}) *
                         static_cast<double>(dimension);  // D ||grad f_d||^2, unbiased for ||J||_F^2

    const auto per_example = samples.mean(0);
    gcbench::GcEstimate estimate;
    estimate.value = per_example.mean().item<double>();
    const auto on_host = per_example.to(at::kCPU).contiguous();  // the estimate may have run on a GPU
    estimate.per_example.assign(on_host.data_ptr<double>(), on_host.data_ptr<double>() + batch);
    if (k >= 2 && k < dimension) {
      // Sampling without replacement from D coordinates: finite-population correction.
      const double correction = static_cast<double>(dimension - k) / static_cast<double>(dimension - 1);
      const double variance_sum = samples.var(0, /*unbiased=*/true).sum().item<double>() * correction;
      estimate.standard_error = std::sqrt(variance_sum / static_cast<double>(k)) / static_cast<double>(batch);
    } else if (k == dimension) {
      estimate.standard_error = 0.0;  // every coordinate: the exact value
    }
    estimate.backward_passes = 1;
    return estimate;
  }

 private:
  std::int64_t outputs_;
};

gcbench::PluginInfo output_sampling_info() {
  using namespace gcbench::option;
  return {gcbench::PluginKind::gc_estimator,
          "output_sampling",
          "1.0.0",
          "k random embedding coordinates per example, rescaled by D/k, in one backward pass",
          {integer("outputs", 8, "embedding coordinates sampled per example").at_least(1)}};
}

}  // namespace

GCBENCH_REGISTER_GC_ESTIMATOR(OutputSamplingGc, output_sampling_info)
