// hutchinson: for random probes v with E[v v^T] = I, E ||v^T J||^2 = ||J||_F^2.
// All probes go through one backward pass (the batch replicated once per probe).
#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <gcbench/plugin.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace {

class HutchinsonGc : public gcbench::GcEstimator {
 public:
  explicit HutchinsonGc(const gcbench::Options& options)
      : probes_(options.get<std::int64_t>("probes")),
        probes_per_pass_(options.get<std::int64_t>("probes_per_pass")),
        distribution_(options.get<std::string>("distribution")) {
    if (distribution_ != "rademacher" && distribution_ != "gaussian") {
      throw std::invalid_argument("option 'distribution' is '" + distribution_ + "'; use \"rademacher\" or \"gaussian\"");
    }
  }

  gcbench::GcEstimate estimate(const gcbench::EmbeddingFunction& f, const at::Tensor& inputs, std::uint64_t seed) const override {
    const auto samples = probe_norms(f, inputs, seed, /*create_graph=*/false).detach().to(at::kDouble);
    const std::int64_t batch = inputs.size(0);

    const auto per_example = samples.mean(0);
    gcbench::GcEstimate estimate;
    estimate.value = per_example.mean().item<double>();
    const auto on_host = per_example.to(at::kCPU).contiguous();  // the estimate may have run on a GPU
    estimate.per_example.assign(on_host.data_ptr<double>(), on_host.data_ptr<double>() + batch);
    // The estimate's randomness is the probes' alone: Var = sum_x Var_x / (probes * batch^2).
    const double variance_sum = samples.var(0, /*unbiased=*/true).sum().item<double>();
    estimate.standard_error = std::sqrt(variance_sum / static_cast<double>(probes_)) / static_cast<double>(batch);
    estimate.backward_passes = passes();
    return estimate;
  }

  bool differentiable() const override { return true; }

  at::Tensor differentiable_estimate(const gcbench::EmbeddingFunction& f, const at::Tensor& inputs,
                                     std::uint64_t seed) const override {
    return probe_norms(f, inputs, seed, /*create_graph=*/true).mean();
  }

  bool estimates_on_forward() const override { return true; }

  // One gradient per probe through the step's own graph: no replicated forward.
  at::Tensor differentiable_estimate_on_forward(const at::Tensor& inputs, const at::Tensor& outputs, std::uint64_t seed,
                                                std::int64_t probes) const override {
    const std::int64_t count = probes > 0 ? probes : probes_;
    gcbench::SeededRandom random(seed);
    at::Tensor total;
    for (std::int64_t probe = 0; probe < count; ++probe) {
      const at::Tensor v = distribution_ == "gaussian" ? random.normal(outputs.sizes(), outputs.options())
                                                       : random.rademacher(outputs.sizes(), outputs.options());
      const auto grad = torch::autograd::grad({outputs}, {inputs}, {v}, /*retain_graph=*/true, /*create_graph=*/true)[0];
      const auto norms = grad.pow(2).flatten(1).sum(1);  // ||v^T J_f(x)||^2 per example
      total = total.defined() ? total + norms : norms;
    }
    return total.mean() / static_cast<double>(count);
  }

 private:
  // ||v^T J_f(x)||^2 for every probe v and example x: [probes, batch]. With
  // create_graph the result can be differentiated again, for the GC penalty.
  at::Tensor probe_norms(const gcbench::EmbeddingFunction& f, const at::Tensor& inputs, std::uint64_t seed,
                         bool create_graph) const {
    torch::AutoGradMode enable_grad(true);
    const std::int64_t batch = inputs.size(0);
    gcbench::SeededRandom random(seed);
    std::vector<at::Tensor> chunks;
    // Large replicas outgrow the caches and slow down more than linearly, so the
    // probes go through in passes of at most probes_per_pass.
    for (std::int64_t done = 0; done < probes_; done += probes_per_pass_) {
      const std::int64_t count = std::min(probes_per_pass_, probes_ - done);
      std::vector<std::int64_t> repeats(inputs.dim(), 1);
      repeats[0] = count;
      const auto x = inputs.detach().repeat(repeats).requires_grad_(true);  // [count * batch, ...]
      const auto y = f(x);                                                  // [count * batch, D]
      const at::Tensor v =
          distribution_ == "gaussian" ? random.normal(y.sizes(), y.options()) : random.rademacher(y.sizes(), y.options());
      const auto grad = torch::autograd::grad({y}, {x}, {v}, /*retain_graph=*/create_graph, create_graph)[0];
      chunks.push_back(grad.pow(2).flatten(1).sum(1).view({count, batch}));
    }
    return at::cat(chunks);
  }

  std::int64_t passes() const { return (probes_ + probes_per_pass_ - 1) / probes_per_pass_; }

  std::int64_t probes_;
  std::int64_t probes_per_pass_;
  std::string distribution_;
};

gcbench::PluginInfo hutchinson_info() {
  using namespace gcbench::option;
  return {gcbench::PluginKind::gc_estimator,
          "hutchinson",
          "1.0.0",
          "Hutchinson estimate of GC with random probes, up to probes_per_pass of them in one backward pass",
          {integer("probes", 8, "random probes per example (at least 2, for the standard error)").at_least(2),
           integer("probes_per_pass", 8, "probes sent through one backward pass (memory x this)").at_least(1),
           string("distribution", "rademacher", "probe distribution (rademacher has lower variance)")
               .one_of({"rademacher", "gaussian"})}};
}

}  // namespace

GCBENCH_REGISTER_GC_ESTIMATOR(HutchinsonGc, hutchinson_info)
