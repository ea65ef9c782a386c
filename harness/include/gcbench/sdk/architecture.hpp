// Architecture plugins: an embedding network f and a linear classifier head g,
// declared as torch::nn modules. build() runs after torch::manual_seed(seed);
// register every parameter, buffer and submodule so train()/eval() and
// checkpoints reach them (contract: README.md beside plugin.hpp).
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>

#include <cstdint>
#include <memory>

#include "gcbench/sdk/dataset.hpp"

namespace gcbench {

// f: images [B, C, H, W] -> embeddings [B, dimension()]. In eval mode each
// example's embedding must depend on that example alone (GC is a per-example Jacobian).
class EmbeddingNet : public torch::nn::Module {
 public:
  virtual at::Tensor forward(at::Tensor images) = 0;
  virtual std::int64_t dimension() const = 0;
};

struct Network {
  std::shared_ptr<EmbeddingNet> embedding;  // f
  torch::nn::Linear head{nullptr};          // g: embedding -> class logits
};

class Architecture {
 public:
  virtual ~Architecture() = default;
  virtual Network build(const ImageShape& input, std::int64_t num_classes) const = 0;
};

}  // namespace gcbench
