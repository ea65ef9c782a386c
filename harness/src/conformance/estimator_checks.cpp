#include <ATen/ATen.h>
#include <fmt/format.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <torch/utils.h>

#include <cmath>
#include <map>
#include <optional>

#include "conformance/checks.hpp"
#include "gcbench/sdk/gc_estimator.hpp"

namespace gcbench {

namespace {

constexpr int kSeeds = 8;

// A small random tanh network x -> tanh(x W1^T + b1) W2^T. Its parameters are
// frozen (no grad) where an estimate is checked, as the harness measures GC;
// trainable leaves of autograd for the penalty's gradient.
enum class Parameters { frozen, trainable };
struct TanhNet {
  at::Tensor w1, b1, w2;
  TanhNet(at::ScalarType dtype, std::int64_t inputs, std::uint64_t seed, Parameters parameters = Parameters::frozen) {
    auto generator = at::detail::createCPUGenerator(seed);
    const auto options = at::TensorOptions().dtype(dtype);
    const bool trainable = parameters == Parameters::trainable;
    w1 = (at::randn({16, inputs}, generator, options) / std::sqrt(static_cast<double>(inputs))).requires_grad_(trainable);
    b1 = (at::randn({16}, generator, options) * 0.1).requires_grad_(trainable);
    w2 = (at::randn({6, 16}, generator, options) / 4.0).requires_grad_(trainable);
  }
  at::Tensor operator()(const at::Tensor& x) const { return at::tanh(x.flatten(1).matmul(w1.t()) + b1).matmul(w2.t()); }
};

// GC by the full Jacobian: one backward pass per output coordinate.
double full_jacobian_gc(const EmbeddingFunction& f, const at::Tensor& inputs) {
  torch::AutoGradMode enable_grad(true);
  const auto x = inputs.detach().clone().requires_grad_(true);
  const auto y = f(x);
  double total = 0;
  for (std::int64_t d = 0; d < y.size(1); ++d) {
    const auto grad = torch::autograd::grad({y.select(1, d).sum()}, {x}, {}, /*retain_graph=*/true)[0];
    total += grad.to(at::kDouble).pow(2).sum().item<double>();
  }
  return total / static_cast<double>(inputs.size(0));
}

// The estimate over kSeeds seeds against a known value: exact to 1e-3 for a
// deterministic estimator, within 3 standard errors of the mean for a stochastic one.
CheckResult agrees_with(const GcEstimator& estimator, const EmbeddingFunction& f, const at::Tensor& inputs, double truth,
                        std::string name) {
  CheckResult result{std::move(name), false, ""};
  double sum = 0, variance = 0, worst = 0;
  bool stochastic = false;
  for (int seed = 0; seed < kSeeds; ++seed) {
    const auto estimate = estimator.estimate(f, inputs, static_cast<std::uint64_t>(seed));
    if (!std::isfinite(estimate.value)) {
      result.detail = fmt::format("seed {} gave {}", seed, estimate.value);
      return result;
    }
    sum += estimate.value;
    worst = std::max(worst, std::abs(estimate.value - truth));
    if (estimate.standard_error && *estimate.standard_error > 0) {
      stochastic = true;
      variance += *estimate.standard_error * *estimate.standard_error;
    }
  }
  const double mean = sum / kSeeds;
  const double rounding = 1e-3 * std::abs(truth);
  if (stochastic) {
    const double se = std::sqrt(variance) / kSeeds;
    result.passed = std::abs(mean - truth) <= 3 * se + rounding;
    result.detail = fmt::format("mean of {} seeds {:.6g} vs {:.6g}: off by {:.3g}, allowed 3 SE = {:.3g}", kSeeds, mean, truth,
                                std::abs(mean - truth), 3 * se);
  } else {
    result.passed = worst <= rounding;
    result.detail = fmt::format(
        "{:.6g} vs {:.6g}: off by {:.3g} at worst over {} seeds, allowed {:.3g} (no standard error "
        "reported, so taken as exact)",
        mean, truth, worst, kSeeds, rounding);
  }
  return result;
}

// d/dtheta of differentiable_estimate along a random direction: autograd against central differences.
CheckResult gradient_check(const GcEstimator& estimator) {
  CheckResult result{"differentiable_estimate: its gradient matches central finite differences", false, ""};
  TanhNet net(at::kDouble, 12, 11, Parameters::trainable);
  const auto inputs = at::randn({4, 3, 2, 2}, at::detail::createCPUGenerator(12), at::TensorOptions().dtype(at::kDouble));
  const std::vector<at::Tensor> params = {net.w1, net.b1, net.w2};
  auto generator = at::detail::createCPUGenerator(13);
  std::vector<at::Tensor> direction;
  double norm = 0;
  for (const auto& p : params) {
    direction.push_back(at::randn(p.sizes(), generator, p.options().requires_grad(false)));
    norm += direction.back().pow(2).sum().item<double>();
  }
  for (auto& d : direction) d /= std::sqrt(norm);

  const EmbeddingFunction f = [&net](const at::Tensor& x) { return net(x); };
  const auto loss = estimator.differentiable_estimate(f, inputs, 5);
  if (!loss.requires_grad()) {
    result.detail = "the estimate does not depend on the network's parameters through autograd";
    return result;
  }
  const auto grads = torch::autograd::grad({loss}, params, {}, /*retain_graph=*/false, /*create_graph=*/false,
                                           /*allow_unused=*/true);
  double analytic = 0;
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (grads[i].defined()) analytic += (grads[i] * direction[i]).sum().item<double>();
  }
  const double epsilon = 1e-5;
  const auto shifted = [&](double by) {
    torch::NoGradGuard no_grad;
    for (std::size_t i = 0; i < params.size(); ++i) params[i].add_(direction[i], by);
    const double value = estimator.differentiable_estimate(f, inputs, 5).item<double>();
    for (std::size_t i = 0; i < params.size(); ++i) params[i].sub_(direction[i], by);
    return value;
  };
  const double numeric = (shifted(epsilon) - shifted(-epsilon)) / (2 * epsilon);
  const double allowed = 1e-4 * std::max({std::abs(analytic), std::abs(numeric), 1e-6});
  result.passed = std::abs(analytic - numeric) <= allowed;
  result.detail =
      fmt::format("autograd {:.8g} vs finite differences {:.8g} (allowed difference {:.2g})", analytic, numeric, allowed);
  return result;
}

}  // namespace

std::vector<CheckResult> check_gc_estimator(const GcEstimator& estimator) {
  std::vector<CheckResult> results;
  const auto inputs = at::randn({8, 3, 4, 4}, at::detail::createCPUGenerator(1));

  const std::string linear_name = "linear embedding: the estimate is ||W||_F^2";
  results.push_back(guarded(linear_name, "estimator.closed-form", [&] {
    const auto w = at::randn({6, 48}, at::detail::createCPUGenerator(2));
    const EmbeddingFunction f = [&w](const at::Tensor& x) { return x.flatten(1).matmul(w.t()); };
    return agrees_with(estimator, f, inputs, w.to(at::kDouble).pow(2).sum().item<double>(), linear_name);
  }));

  const std::string tanh_name = "tanh network: the estimate agrees with the full Jacobian";
  results.push_back(guarded(tanh_name, "estimator.full-jacobian", [&] {
    const TanhNet net(at::kFloat, 48, 3);
    const EmbeddingFunction f = [&net](const at::Tensor& x) { return net(x); };
    return agrees_with(estimator, f, inputs, full_jacobian_gc(f, inputs), tanh_name);
  }));

  const std::string seed_name = "the same seed gives the same estimate";
  results.push_back(guarded(seed_name, "estimator.seeded", [&] {
    const TanhNet net(at::kFloat, 48, 4);
    const EmbeddingFunction f = [&net](const at::Tensor& x) { return net(x); };
    const auto first = estimator.estimate(f, inputs, 7), second = estimator.estimate(f, inputs, 7);
    const bool same = first.value == second.value && first.per_example == second.per_example;
    return CheckResult{seed_name, same, fmt::format("seed 7 gave {:.17g} and then {:.17g}", first.value, second.value)};
  }));

  const std::string examples_name = "per_example holds at most one value per input, each finite and >= 0";
  results.push_back(guarded(examples_name, "estimator.per-example", [&] {
    const TanhNet net(at::kFloat, 48, 5);
    const auto estimate = estimator.estimate([&net](const at::Tensor& x) { return net(x); }, inputs, 0);
    bool ok = estimate.per_example.size() <= static_cast<std::size_t>(inputs.size(0));
    for (const double value : estimate.per_example) ok = ok && std::isfinite(value) && value >= 0;
    return CheckResult{examples_name, ok, fmt::format("{} values for {} inputs", estimate.per_example.size(), inputs.size(0))};
  }));

  if (estimator.differentiable()) {
    results.push_back(guarded("differentiable_estimate: its gradient matches central finite differences", "estimator.gradient",
                              [&] { return gradient_check(estimator); }));
  } else {
    results.push_back({"differentiable_estimate: not offered (the estimator cannot drive training.gc_penalty)", true, "",
                       "estimator.gradient", ""});
  }
  const std::map<std::string, std::string> remedies = {
      {"estimator.closed-form",
       "estimate mean ||J_f(x)||_F^2 w.r.t. the input f is given, averaged over examples (not summed, not squared twice)"},
      {"estimator.full-jacobian",
       "compare with the `exact` estimator on a small network; a stochastic estimate needs an "
       "honest standard_error"},
      {"estimator.seeded",
       "draw every random number from `seed` (gcbench::SeededRandom), never from LibTorch's global generator"},
      {"estimator.per-example", "fill per_example with one finite, non-negative value per example used, in input order"},
      {"estimator.gradient", "return the estimate as a tensor autograd can differentiate w.r.t. f's parameters (create_graph)"},
  };
  for (auto& result : results) {
    if (!result.passed && result.remedy.empty()) result.remedy = remedies.at(result.rule);
  }
  return results;
}

}  // namespace gcbench
