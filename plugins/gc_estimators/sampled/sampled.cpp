// sampled: the paper's Section 4.2 estimator, cutting the work along three axes,
// each unbiased on its own:
//   examples  - a random subset of the batch (without replacement);
//   entries   - a random mask over the Jacobian's input entries, kept with
//               probability entry_fraction and rescaled by its inverse;
//   outputs   - a random subset of k embedding coordinates, rescaled by D / k.
// With every axis at its full size it computes the exact GC.
#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <gcbench/plugin.hpp>

#include <algorithm>
#include <cmath>

namespace {

class SampledGc : public gcbench::GcEstimator {
 public:
  explicit SampledGc(const gcbench::Options& options)
      : example_fraction_(options.get<double>("example_fraction")),
        entry_fraction_(options.get<double>("entry_fraction")),
        outputs_(options.get<std::int64_t>("outputs")),
        directions_per_pass_(options.get<std::int64_t>("directions_per_pass")) {}

  gcbench::GcEstimate estimate(const gcbench::EmbeddingFunction& f, const at::Tensor& inputs, std::uint64_t seed) const override {
    torch::AutoGradMode enable_grad(true);
    gcbench::SeededRandom random(seed);
    const auto on_device = inputs.options();
    const std::int64_t batch = inputs.size(0);
    const std::int64_t examples =
        std::max<std::int64_t>(1, static_cast<std::int64_t>(std::llround(example_fraction_ * static_cast<double>(batch))));
    const auto sampled_rows = random.permutation(batch, on_device).slice(0, 0, examples);
    const auto rows = std::get<0>(sampled_rows.sort());
    const auto x0 = inputs.index_select(0, rows).detach();

    std::int64_t dimension = 0;
    {
      torch::NoGradGuard no_grad;
      dimension = f(x0.slice(0, 0, 1)).size(1);
    }
    const std::int64_t k = outputs_ == 0 ? dimension : std::min(outputs_, dimension);
    const auto chosen = k == dimension ? at::arange(dimension, on_device.dtype(at::kLong)).expand({examples, dimension})
                                       : random.uniform({examples, dimension}, on_device.dtype(at::kDouble))
                                             .argsort(/*dim=*/1, /*descending=*/false)
                                             .slice(1, 0, k);

    gcbench::GcEstimate estimate;
    at::Tensor per_example = at::zeros({examples}, on_device.dtype(at::kDouble));
    // One forward for every pass (1.0 sent the copies forward again each pass).
    gcbench::BackwardPasses passes(f, x0, k, std::min(directions_per_pass_, k));
    while (!passes.done()) {
      const std::int64_t first = passes.seeds_taken(), count = passes.next_count();
      const auto directions = chosen.slice(1, first, first + count).t().reshape({-1});
      const auto grad = passes.next(at::one_hot(directions, dimension).to(passes.outputs().options()));
      auto squared = grad.to(at::kDouble).pow(2).flatten(1);
      if (entry_fraction_ < 1.0) {
        const auto keep = random.uniform(squared.sizes(), squared.options()).lt(entry_fraction_);
        squared = squared * keep / entry_fraction_;
      }
      per_example += squared.sum(1).view({count, examples}).sum(0);
    }
    estimate.backward_passes = passes.passes_taken();
    per_example *= static_cast<double>(dimension) / static_cast<double>(k);

    estimate.value = per_example.mean().item<double>();
    const auto on_host = per_example.to(at::kCPU).contiguous();  // the estimate may have run on a GPU
    estimate.per_example.assign(on_host.data_ptr<double>(), on_host.data_ptr<double>() + examples);
    const bool stochastic = examples < batch || entry_fraction_ < 1.0 || k < dimension;
    if (stochastic && examples >= 2) {
      // Treats each sampled example's value as one draw: exact for the example axis
      // (with the finite-population correction), conservative for the other two.
      const double correction = examples < batch ? static_cast<double>(batch - examples) / static_cast<double>(batch - 1) : 1.0;
      const double variance = per_example.var(0, /*unbiased=*/true).item<double>();
      estimate.standard_error = std::sqrt(variance / static_cast<double>(examples) * (examples < batch ? correction : 1.0));
    }
    return estimate;
  }

 private:
  double example_fraction_;
  double entry_fraction_;
  std::int64_t outputs_;
  std::int64_t directions_per_pass_;
};

gcbench::PluginInfo sampled_info() {
  using namespace gcbench::option;
  return {gcbench::PluginKind::gc_estimator,
          "sampled",
          // 1.1 sends the examples forward once for all its backward passes: the same
          // directions and masks, values to float rounding, so runs keep their ids.
          "1.1.0",
          "the paper's Sec. 4.2 estimator: sub-sampled examples, Jacobian entries and output dimensions",
          {real("example_fraction", 1.0, "fraction of the batch's examples used").at_least(1e-6).at_most(1),
           real("entry_fraction", 1.0, "probability of keeping each Jacobian input entry").at_least(1e-6).at_most(1),
           integer("outputs", 0, "embedding coordinates sampled per example (0: all)").at_least(0),
           integer("directions_per_pass", 8,
                   "output directions batched into one backward pass, each on its own copy of the examples (memory x this)")
               .at_least(1)}};
}

}  // namespace

GCBENCH_REGISTER_GC_ESTIMATOR(SampledGc, sampled_info)
