#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <fmt/format.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/functions/accumulate_grad.h>
#include <torch/utils.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <random>
#include <unordered_set>

#include "conformance/checks.hpp"
#include "gcbench/sdk/architecture.hpp"
#include "gcbench/sdk/autograd_graph.hpp"
#include "measure/frozen_parameters.hpp"
#include "train/checkpoint.hpp"

namespace gcbench {

namespace {

constexpr std::int64_t kClasses = 5;

std::string shape_text(const at::Tensor& tensor) { return fmt::format("[{}]", fmt::join(tensor.sizes(), ", ")); }

enum class Mode { train, eval };

// The architecture's network for 3x32x32 inputs and kClasses, initialised from seed 0, in `mode`.
Network built(const Architecture& architecture, Mode mode) {
  torch::manual_seed(0);
  Network network = architecture.build({3, 32, 32}, kClasses);
  network.embedding->train(mode == Mode::train);
  network.head->train(mode == Mode::train);
  return network;
}

// The embedding of x and its input gradient along a fixed direction.
std::pair<at::Tensor, at::Tensor> embedding_and_input_gradient(Network& network, const at::Tensor& x) {
  const auto input = x.detach().clone().requires_grad_(true);
  const auto embedding = network.embedding->forward(input);
  const auto direction = at::linspace(-1, 1, embedding.numel()).view(embedding.sizes());
  return {embedding.detach(), torch::autograd::grad({embedding}, {input}, {direction})[0]};
}

// Largest difference between a and b over b's scale (at least 1).
double relative_difference(const at::Tensor& a, const at::Tensor& b) {
  return (a - b).abs().max().item<double>() / std::max(b.abs().max().item<double>(), 1.0);
}

// Largest relative difference between the examples' squared gradient norms, what GC sums.
double squared_norm_difference(const at::Tensor& a, const at::Tensor& b) {
  const auto norm_a = a.to(at::kDouble).pow(2).flatten(1).sum(1), norm_b = b.to(at::kDouble).pow(2).flatten(1).sum(1);
  return ((norm_a - norm_b).abs() / norm_b.clamp_min(1e-30)).max().item<double>();
}

// Weights and running statistics moved, as a training step and its batches move them.
void move_weights(Network& network, std::int64_t seed) {
  torch::NoGradGuard no_grad;
  auto generator = at::detail::createCPUGenerator(static_cast<std::uint64_t>(seed));
  network.embedding->train();
  network.embedding->forward(at::randn({4, 3, 32, 32}, generator) * 2 + 0.5);
  for (auto& parameter : network.embedding->parameters()) parameter.add_(at::randn(parameter.sizes(), generator) * 0.05);
  network.embedding->eval();
}

bool every_module_in(const Network& network, bool training) {
  for (const auto& module : network.embedding->modules()) {
    if (module->is_training() != training) return false;
  }
  return network.head->is_training() == training;
}

// The leaf tensors autograd accumulates gradients into when `output` is
// differentiated: every parameter the forward pass used, registered or not
// (buffers and constants do not require grad, so they are not among them).
std::vector<at::Tensor> parameters_used(const at::Tensor& output) {
  std::vector<at::Tensor> leaves;
  for_each_graph_node(output, [&leaves](const GraphNode& node) {
    if (const auto* accumulate = dynamic_cast<const torch::autograd::AccumulateGrad*>(node.get())) {
      leaves.push_back(accumulate->variable);
    }
  });
  return leaves;
}

const char* const kRegisterRemedy =
    "register every submodule with register_module(\"name\", module) and every tensor with register_parameter or "
    "register_buffer in the constructor: what is not registered is not trained, not reached by train()/eval(), and not "
    "saved in checkpoints";

}  // namespace

std::vector<CheckResult> check_architecture(const Architecture& architecture) {
  std::vector<CheckResult> results;
  for (const ImageShape shape : {ImageShape{1, 28, 28}, ImageShape{3, 32, 32}, ImageShape{3, 84, 84}}) {
    const std::string size = fmt::format("{}x{}x{}", shape.channels, shape.height, shape.width);
    const std::string name = fmt::format("{} input: embeddings [3, D] and logits [3, {}], finite", size, kClasses);
    auto result = guarded(name, "architecture.output-shape", [&] {
      torch::manual_seed(0);
      Network network = architecture.build(shape, kClasses);
      network.embedding->eval();
      network.head->eval();
      torch::NoGradGuard no_grad;
      const auto x = at::randn({3, shape.channels, shape.height, shape.width});
      const auto embedding = network.embedding->forward(x);
      if (embedding.dim() != 2 || embedding.size(1) != network.embedding->dimension()) {
        return CheckResult{name, false,
                           fmt::format("embedding {}, but dimension() is {} (see architecture.dimension)", shape_text(embedding),
                                       network.embedding->dimension())};
      }
      const auto logits = network.head->forward(embedding);
      const bool ok = embedding.dim() == 2 && embedding.size(0) == 3 && logits.sizes() == at::IntArrayRef{3, kClasses} &&
                      embedding.isfinite().all().item<bool>() && logits.isfinite().all().item<bool>();
      return CheckResult{name, ok, fmt::format("embedding {}, logits {}", shape_text(embedding), shape_text(logits))};
    });
    result.remedy =
        "map float32 [B, C, H, W] to [B, dimension()] for 1 or 3 channels and 28, 32 or 84 pixels (the datasets' "
        "shapes; adaptive pooling before the last layer makes the width independent of the input size), with "
        "finite values at initialisation";
    results.push_back(std::move(result));
  }

  const std::string dimension = "dimension() is the width the embedding returns and the head reads";
  results.push_back(guarded(dimension, "architecture.dimension", [&] {
    Network network = built(architecture, Mode::eval);
    torch::NoGradGuard no_grad;
    const auto embedding = network.embedding->forward(at::randn({2, 3, 32, 32}));
    const auto declared = network.embedding->dimension();
    const auto head_reads = network.head->options.in_features();
    const bool ok = declared > 0 && embedding.dim() == 2 && embedding.size(1) == declared && head_reads == declared;
    return CheckResult{dimension,
                       ok,
                       fmt::format("dimension() {}, embedding {}, head Linear({}, {})", declared, shape_text(embedding),
                                   head_reads, network.head->options.out_features()),
                       {},
                       "return from dimension() the width forward() produces, and build the head as "
                       "torch::nn::Linear(dimension(), num_classes)"};
  }));

  const std::string registered = "every parameter the embedding's forward pass uses is registered (found through autograd)";
  results.push_back(guarded(registered, "architecture.registered-parameters", [&] {
    Network network = built(architecture, Mode::train);
    // From the embedding: the head is the harness's own Linear, and this way a wrong dimension() cannot hide the answer.
    const auto embedding = network.embedding->forward(at::randn({4, 3, 32, 32}));
    std::unordered_set<const void*> known;
    for (const auto& parameter : network.embedding->parameters()) known.insert(parameter.unsafeGetTensorImpl());
    std::vector<std::string> unregistered;
    const auto used = parameters_used(embedding);
    for (const auto& leaf : used) {
      if (!known.count(leaf.unsafeGetTensorImpl())) unregistered.push_back(shape_text(leaf));
    }
    return CheckResult{registered,
                       unregistered.empty(),
                       unregistered.empty()
                           ? fmt::format("{} parameter tensors used, all registered", used.size())
                           : fmt::format("{} of the {} parameter tensors the forward pass uses are not in named_parameters() "
                                         "(shapes {}): most often a submodule held as a member but never passed to "
                                         "register_module, e.g. a BatchNorm2d",
                                         unregistered.size(), used.size(), fmt::join(unregistered, ", ")),
                       {},
                       kRegisterRemedy};
  }));

  const std::string through_input = "in eval mode autograd reaches the input: the Jacobian GC is made of is there and not zero";
  results.push_back(guarded(through_input, "architecture.input-gradient", [&] {
    Network network = built(architecture, Mode::eval);
    const auto x = at::randn({2, 3, 32, 32}).requires_grad_(true);
    const auto embedding = network.embedding->forward(x);
    if (!embedding.requires_grad()) {
      return CheckResult{through_input, false, "the embedding does not require grad: the forward pass cut the graph"};
    }
    embedding.pow(2).sum().backward();
    const auto& gradient = x.grad();
    const double norm = gradient.defined() ? gradient.norm().item<double>() : 0.0;
    return CheckResult{through_input, gradient.defined() && std::isfinite(norm) && norm > 0,
                       gradient.defined() ? fmt::format("input gradient norm {:.3g}", norm) : "no gradient reached the input"};
  }));
  results.back().remedy =
      "keep the input in the graph: no detach(), NoGradGuard, .data or a round trip through another library inside "
      "forward(); GC is the Jacobian of the embedding with respect to the input";

  const std::string frozen = "with its parameters frozen, as GC is measured, eval mode gives the same embeddings and Jacobian";
  results.push_back(guarded(frozen, "architecture.frozen-parameters", [&] {
    Network network = built(architecture, Mode::eval);
    const auto x = at::randn({2, 3, 32, 32}, at::detail::createCPUGenerator(21));
    move_weights(network, 22);
    {  // a first measurement, whose folded or cached weights must not outlive the next step
      const FrozenParameters frozen_parameters(*network.embedding);
      embedding_and_input_gradient(network, x);
    }
    move_weights(network, 23);
    const auto [embedding, gradient] = embedding_and_input_gradient(network, x);
    const FrozenParameters frozen_parameters(*network.embedding);
    const auto [frozen_embedding, frozen_gradient] = embedding_and_input_gradient(network, x);
    // The gradients are compared by their squared norms: rounding that changes a max-pool's
    // winner in a near tie moves a patch of the gradient, and its squared norm by 4e-4 (conv4).
    const double embeddings_off = relative_difference(frozen_embedding, embedding);
    const double gradients_off = squared_norm_difference(frozen_gradient, gradient);
    return CheckResult{frozen,
                       embeddings_off <= 1e-4 && gradients_off <= 1e-2,
                       fmt::format("frozen against trainable: embeddings off by {:.3g} of their scale (allowed 1e-4), the "
                                   "input gradients' squared norms by {:.3g} (allowed 1e-2)",
                                   embeddings_off, gradients_off),
                       {},
                       "a path taken only while no parameter wants a gradient (batch norm folded, weights cached) must be "
                       "the same function: fold again whenever a parameter or running statistic changes, as "
                       "gcbench::ConvBatchNorm (sdk/conv_batch_norm.hpp) does"};
  }));

  const std::string alone = "in eval mode each example's embedding depends on that example alone";
  results.push_back(guarded(alone, "architecture.batch-independent", [&] {
    Network network = built(architecture, Mode::eval);
    torch::NoGradGuard no_grad;
    const auto x = at::randn({4, 3, 32, 32});
    const auto together = network.embedding->forward(x).slice(0, 0, 1);
    const auto on_its_own = network.embedding->forward(x.slice(0, 0, 1));
    const double difference = (together - on_its_own).abs().max().item<double>();
    const double scale = on_its_own.abs().max().item<double>();
    return CheckResult{
        alone,
        difference <= 1e-4 * std::max(scale, 1.0),
        fmt::format("largest difference {:.3g} (embedding scale {:.3g}); GC is a per-example Jacobian", difference, scale),
        {},
        "in eval mode use no statistic of the batch: a batch norm that eval() does not reach (because it is not registered "
        "with register_module) still normalises with batch statistics; so does an explicit mean over dimension 0"};
  }));

  const std::string modes = "train() and eval() reach every submodule";
  results.push_back(guarded(modes, "architecture.modes", [&] {
    Network network = built(architecture, Mode::train);
    const bool trains = every_module_in(network, true);
    // A training-mode forward pass must work too (batch norm with a batch of 2).
    network.embedding->forward(at::randn({2, 3, 32, 32}));
    network.embedding->eval();
    network.head->eval();
    const bool evaluates = every_module_in(network, false);
    return CheckResult{modes,
                       trains && evaluates,
                       fmt::format("train(): {}; eval(): {}", trains ? "all" : "not all", evaluates ? "all" : "not all"),
                       {},
                       "do not override train(bool) or is_training(), or forward it to torch::nn::Module::train"};
  }));

  const std::string checkpoint = "a checkpoint saved from one network restores another to the same outputs";
  results.push_back(guarded(checkpoint, "architecture.checkpoint", [&] {
    torch::manual_seed(1);
    Network saved = architecture.build({3, 32, 32}, kClasses);
    torch::manual_seed(2);
    Network restored = architecture.build({3, 32, 32}, kClasses);
    saved.embedding->train();
    {
      torch::NoGradGuard no_grad;
      saved.embedding->forward(at::randn({4, 3, 32, 32}));
    }  // moves batch-norm statistics
    const auto file =
        std::filesystem::temp_directory_path() / fmt::format("gcbench-check-{}-{}.pt", ::getpid(), std::random_device{}());
    save_checkpoint(saved, file);
    load_checkpoint(restored, file);
    std::filesystem::remove(file);
    for (auto* network : {&saved, &restored}) {
      network->embedding->eval();
      network->head->eval();
    }
    torch::NoGradGuard no_grad;
    const auto x = at::randn({2, 3, 32, 32});
    const auto a = saved.head->forward(saved.embedding->forward(x));
    const auto b = restored.head->forward(restored.embedding->forward(x));
    const double difference = (a - b).abs().max().item<double>();
    return CheckResult{checkpoint,
                       difference == 0.0,
                       fmt::format("largest logit difference {:.3g}", difference),
                       {},
                       std::string("a tensor the forward pass reads (a fixed projection, a running statistic) is not saved "
                                   "unless registered: ") +
                           kRegisterRemedy};
  }));
  return results;
}

}  // namespace gcbench
