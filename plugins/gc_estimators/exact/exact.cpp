// exact: the full Jacobian norm, ||J_f(x)||_F^2 = sum over output dimensions d
// of ||grad_x f_d(x)||^2. The batch is replicated c times and sent forward
// once; each backward pass then seeds every copy with its own one-hot
// direction, so D directions take ceil(D / c) passes over one graph. With
// c = 1 this is the per-output autograd loop (one forward, one
// autograd.grad(retain_graph) per output coordinate).
// Where the input enters f through one matrix product h = flatten(x) A (a fully
// connected first layer), each pass stops at h and the squared norm is taken
// through A^T A (gcbench/sdk/input_product.hpp), when that is fewer operations.
#include <ATen/ATen.h>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <gcbench/plugin.hpp>

#include <optional>
#include <string>

namespace {

// Whether f's graph from `output` back to its input holds a convolution: its
// backward node's name says so (ConvolutionBackward0, and the older or
// backend-specific SlowConv2DBackward0, CudnnConvolutionBackward0, ...).
bool reaches_a_convolution(const at::Tensor& output) {
  bool convolves = false;
  gcbench::for_each_graph_node(output, [&convolves](const gcbench::GraphNode& node) {
    if (node->name().find("Conv") != std::string::npos) convolves = true;
  });
  return convolves;
}

// Replication buys nothing in arithmetic: each direction costs one backward
// pass over the batch either way, and copies multiply the activations held.
// What it buys is larger kernels and fewer of them, which pays only while the
// batch is small. Measured on a 2-core Xeon (bench_measurement's
// gc/*/exact/images=*,copies=* family, LibTorch 1.13), the fastest pass held
// 16-32 images on conv4 and 16 or more on resnet18; 64 conv4 images ran 1.33x
// slower as 4 copies than as one, and 4 images 1.16x faster. Read again on
// resnet18's 4 images on both builds (2026-12-07), 64 images a pass were 3-4%
// faster than 16, within 1.13's spread, for 4x the activations. A network without
// convolutions is matrix products, which want hundreds of rows: 64 mlp images
// took 39.4 ms as 4 copies (256 images a pass) against 57.5 as one with
// OpenBLAS's AVX-512 kernels, and Python's loop on pip torch 2.15 (MKL) 51 ms
// against 57; OpenBLAS's SSE3 fallback was level either way. Timing the copies
// once per shape instead chose differently from run to run, its single passes
// too noisy to tell 10% apart, so the rule is fixed: copies until a pass holds
// images_per_pass images (by default 16 where f convolves, 256 where it does
// not), at most directions_per_pass.
class ExactGc : public gcbench::GcEstimator {
 public:
  explicit ExactGc(const gcbench::Options& options)
      : directions_per_pass_(options.get<std::int64_t>("directions_per_pass")),
        images_per_pass_(options.get<std::int64_t>("images_per_pass")),
        through_input_product_(options.get<bool>("through_input_product")) {}

  gcbench::GcEstimate estimate(const gcbench::EmbeddingFunction& f, const at::Tensor& inputs,
                               std::uint64_t /*seed*/) const override {
    torch::AutoGradMode enable_grad(true);
    const std::int64_t batch = inputs.size(0);
    // One example through f, with its graph: the embedding's width, and whether f
    // convolves. The graph goes before the batch's forward does.
    std::int64_t dimension = 0, images_per_pass = images_per_pass_;
    {
      const torch::AutoGradMode probe_graph(images_per_pass == 0);  // only the rule by the network reads it
      const auto probe = f(inputs.slice(0, 0, 1).detach().requires_grad_(true));
      dimension = probe.size(1);
      if (images_per_pass == 0) images_per_pass = reaches_a_convolution(probe) ? kConvolutionImages : kMatrixImages;
    }
    gcbench::BackwardPasses passes(f, inputs, dimension,
                                   gcbench::copies_to_fill(batch, images_per_pass, directions_per_pass_, dimension));
    std::optional<gcbench::InputProduct> product;
    if (through_input_product_) product = gcbench::InputProduct::find(passes.outputs(), passes.inputs());
    if (product && !product->pays(batch * dimension)) product.reset();
    const at::Tensor gram = product ? product->gram() : at::Tensor();
    at::Tensor per_example = at::zeros({batch}, inputs.options().dtype(at::kDouble));
    while (!passes.done()) {
      const std::int64_t first = passes.seeds_taken(), count = passes.next_count();
      // Copy j of the batch takes direction first + j.
      const auto directions = at::arange(first, first + count, inputs.options().dtype(at::kLong)).repeat_interleave(batch);
      const auto seeds = at::one_hot(directions, dimension).to(passes.outputs().options());
      // Squares in the gradient's precision, summed in double: no double copy of each gradient.
      at::Tensor squares;
      if (product) {
        const auto grad = passes.next_at(seeds, product->output_edge());  // dL/dh, [rows, width]
        squares = grad.mm(gram).mul_(grad);
      } else {
        squares = passes.next(seeds).square().flatten(1);
      }
      per_example += at::sum(squares, {1}, /*keepdim=*/false, at::kDouble).view({count, batch}).sum(0);
    }
    gcbench::GcEstimate estimate;
    estimate.backward_passes = passes.passes_taken();
    estimate.value = per_example.mean().item<double>();
    const auto on_host = per_example.to(at::kCPU).contiguous();  // the estimate may have run on a GPU
    estimate.per_example.assign(on_host.data_ptr<double>(), on_host.data_ptr<double>() + batch);
    return estimate;
  }

 private:
  static constexpr std::int64_t kConvolutionImages = 16, kMatrixImages = 256;
  std::int64_t directions_per_pass_;
  std::int64_t images_per_pass_;  // 0: by the network
  bool through_input_product_;
};

gcbench::PluginInfo exact_info() {
  using namespace gcbench::option;
  return {gcbench::PluginKind::gc_estimator,
          "exact",
          "1.3.0",
          "exact GC: every output direction's input gradient, one or several directions per backward pass",
          // 1.1 added images_per_pass, 1.2 its default by the network, 1.3 through_input_product; values
          // agree with 1.0's to float rounding (tests/gc_estimators_test.cpp), so a run at the defaults keeps
          // its id.
          {integer("directions_per_pass", 4,
                   "the most copies of the batch that go forward at once, each taking its own direction in a "
                   "backward pass (memory x copies); 1 is the per-output autograd loop")
               .at_least(1),
           integer("images_per_pass", 0,
                   "fewer copies when the batch is large: only as many as fill a pass with this many images; 0: 16 "
                   "where the network convolves, 256 where it is matrix products alone")
               .at_least(0),
           boolean("through_input_product", true,
                   "where the input enters through one matrix product (a fully connected first layer), stop each "
                   "backward pass at its output and take the norm through the product's Gram matrix, when that is "
                   "fewer operations; false: input gradients always")}};
}

}  // namespace

GCBENCH_REGISTER_GC_ESTIMATOR(ExactGc, exact_info)
