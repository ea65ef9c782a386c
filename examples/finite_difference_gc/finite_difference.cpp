// finite_difference: GC from forward passes alone. For random directions u with
// E[u u^T] = I (Rademacher), E ||J u||^2 = ||J||_F^2, and J u is approximated by
// the central difference (f(x + h u) - f(x - h u)) / 2h, whose error is O(h^2)
// where f is smooth. No backward pass: it runs wherever f's forward runs.
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <gcbench/plugin.hpp>

#include <algorithm>
#include <cmath>

namespace {

class FiniteDifferenceGc : public gcbench::GcEstimator {
 public:
  explicit FiniteDifferenceGc(const gcbench::Options& options)
      : step_(options.get<double>("step")),
        directions_(options.get<std::int64_t>("directions")),
        directions_per_pass_(options.get<std::int64_t>("directions_per_pass")) {}

  gcbench::GcEstimate estimate(const gcbench::EmbeddingFunction& f, const at::Tensor& inputs, std::uint64_t seed) const override {
    at::Tensor samples;
    {
      torch::NoGradGuard no_grad;                                      // forward passes only
      samples = squared_differences(f, inputs, seed).to(at::kDouble);  // [directions, batch]
    }
    const std::int64_t batch = inputs.size(0);
    const auto per_example = samples.mean(0);
    gcbench::GcEstimate estimate;
    estimate.value = per_example.mean().item<double>();
    estimate.per_example.assign(per_example.data_ptr<double>(), per_example.data_ptr<double>() + batch);
    // The directions are the only randomness: Var = sum_x Var_x / (directions * batch^2).
    const double variance_sum = samples.var(0, /*unbiased=*/true).sum().item<double>();
    estimate.standard_error = std::sqrt(variance_sum / static_cast<double>(directions_)) / static_cast<double>(batch);
    estimate.backward_passes = 0;
    return estimate;
  }

  bool differentiable() const override { return true; }

  // The same estimate as a function of f's parameters: the differences are
  // differentiable wherever f is, so the GC penalty costs two forward passes
  // per direction and one ordinary backward pass.
  at::Tensor differentiable_estimate(const gcbench::EmbeddingFunction& f, const at::Tensor& inputs,
                                     std::uint64_t seed) const override {
    torch::AutoGradMode enable_grad(true);
    return squared_differences(f, inputs, seed).mean();
  }

 private:
  // ||(f(x + h u) - f(x - h u)) / 2h||^2 for every direction u and example x: [directions, batch].
  at::Tensor squared_differences(const gcbench::EmbeddingFunction& f, const at::Tensor& inputs, std::uint64_t seed) const {
    const std::int64_t batch = inputs.size(0);
    auto generator = at::detail::createCPUGenerator(seed);
    std::vector<at::Tensor> chunks;
    for (std::int64_t done = 0; done < directions_; done += directions_per_pass_) {
      const std::int64_t count = std::min(directions_per_pass_, directions_ - done);
      std::vector<std::int64_t> repeats(inputs.dim(), 1);
      repeats[0] = count;
      const auto x = inputs.detach().repeat(repeats);  // [count * batch, ...]
      const auto u = at::randint(0, 2, x.sizes(), generator, x.options()).mul_(2).sub_(1);
      const auto y = f(at::cat({x + step_ * u, x - step_ * u}));  // one forward pass for both sides
      const auto jvp = (y.slice(0, 0, count * batch) - y.slice(0, count * batch)) / (2 * step_);
      chunks.push_back(jvp.pow(2).flatten(1).sum(1).view({count, batch}));
    }
    return at::cat(chunks);
  }

  double step_;
  std::int64_t directions_;
  std::int64_t directions_per_pass_;
};

gcbench::PluginInfo finite_difference_info() {
  using namespace gcbench::option;
  return {gcbench::PluginKind::gc_estimator,
          "finite_difference",
          "0.1.0",
          "GC from forward passes: central differences along random Rademacher input directions",
          {real("step", 1e-2, "h, the step along each direction in standardised input units").at_least(1e-6).at_most(1),
           integer("directions", 16, "random directions per example (at least 2, for the standard error)").at_least(2),
           integer("directions_per_pass", 8, "directions sent through one forward pass (memory x 2 x this)").at_least(1)}};
}

}  // namespace

GCBENCH_REGISTER_GC_ESTIMATOR(FiniteDifferenceGc, finite_difference_info)
