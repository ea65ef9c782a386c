#include <ATen/ATen.h>
#include <fmt/format.h>
#include <torch/utils.h>
#include <unistd.h>

#include <filesystem>
#include <random>

#include "conformance/checks.hpp"
#include "train/checkpoint.hpp"

namespace gcbench {

namespace {

constexpr std::int64_t kClasses = 5;

std::string shape_text(const at::Tensor& tensor) { return fmt::format("[{}]", fmt::join(tensor.sizes(), ", ")); }

bool every_module_in(const Network& network, bool training) {
  for (const auto& module : network.embedding->modules()) {
    if (module->is_training() != training) return false;
  }
  return network.head->is_training() == training;
}

}  // namespace

std::vector<CheckResult> check_architecture(const Architecture& architecture) {
  std::vector<CheckResult> results;
  for (const ImageShape shape : {ImageShape{1, 28, 28}, ImageShape{3, 32, 32}, ImageShape{3, 84, 84}}) {
    const std::string size = fmt::format("{}x{}x{}", shape.channels, shape.height, shape.width);
    const std::string name = fmt::format("{} input: embeddings [B, dimension()] and {} logits, finite", size, kClasses);
    results.push_back(guarded(name, [&] {
      torch::manual_seed(0);
      Network network = architecture.build(shape, kClasses);
      network.embedding->eval();
      network.head->eval();
      torch::NoGradGuard no_grad;
      const auto x = at::randn({3, shape.channels, shape.height, shape.width});
      const auto embedding = network.embedding->forward(x);
      const auto logits = network.head->forward(embedding);
      const bool ok = network.embedding->dimension() > 0 && embedding.dim() == 2 && embedding.size(0) == 3 &&
                      embedding.size(1) == network.embedding->dimension() && logits.sizes() == at::IntArrayRef{3, kClasses} &&
                      embedding.isfinite().all().item<bool>();
      return CheckResult{name, ok,
                         fmt::format("embedding {}, dimension() {}, logits {}", shape_text(embedding),
                                     network.embedding->dimension(), shape_text(logits))};
    }));
  }

  const std::string alone = "in eval mode each example's embedding depends on that example alone";
  results.push_back(guarded(alone, [&] {
    torch::manual_seed(0);
    Network network = architecture.build({3, 32, 32}, kClasses);
    network.embedding->eval();
    torch::NoGradGuard no_grad;
    const auto x = at::randn({4, 3, 32, 32});
    const auto together = network.embedding->forward(x).slice(0, 0, 1);
    const auto on_its_own = network.embedding->forward(x.slice(0, 0, 1));
    const double difference = (together - on_its_own).abs().max().item<double>();
    const double scale = on_its_own.abs().max().item<double>();
    return CheckResult{
        alone, difference <= 1e-4 * std::max(scale, 1.0),
        fmt::format("largest difference {:.3g} (embedding scale {:.3g}); GC is a per-example Jacobian", difference, scale)};
  }));

  const std::string modes = "train() and eval() reach every submodule";
  results.push_back(guarded(modes, [&] {
    torch::manual_seed(0);
    Network network = architecture.build({3, 32, 32}, kClasses);
    network.embedding->train();
    network.head->train();
    const bool trains = every_module_in(network, true);
    // A training-mode forward pass must work too (batch norm with a batch of 2).
    network.embedding->forward(at::randn({2, 3, 32, 32}));
    network.embedding->eval();
    network.head->eval();
    const bool evaluates = every_module_in(network, false);
    return CheckResult{modes, trains && evaluates,
                       fmt::format("train(): {}; eval(): {}", trains ? "all" : "not all", evaluates ? "all" : "not all")};
  }));

  const std::string checkpoint = "a checkpoint saved from one network restores another to the same outputs";
  results.push_back(guarded(checkpoint, [&] {
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
    return CheckResult{checkpoint, difference == 0.0, fmt::format("largest logit difference {:.3g}", difference)};
  }));
  return results;
}

}  // namespace gcbench
