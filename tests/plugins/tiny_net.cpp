// tiny_net: a small fully connected embedding built twice, as one plugin name
// in two folders, so that a test can swap "the code" under an unchanged suite
// the way a commit does. With GCBENCH_TINY_NET_REGRESSED the embedding is
// slower (a sleep in every forward) and worse (only its first feature survives),
// so compare must flag the speed and the accuracy.
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/container/sequential.h>
#include <gcbench/plugin.hpp>

#include <chrono>
#include <thread>

namespace {
namespace nn = torch::nn;

constexpr std::int64_t kDimension = 16;

class TinyEmbedding : public gcbench::EmbeddingNet {
 public:
  explicit TinyEmbedding(const gcbench::ImageShape& input) {
    layers_ = register_module("layers", nn::Sequential(nn::Linear(input.channels * input.height * input.width, 32), nn::ReLU(),
                                                       nn::Linear(32, kDimension)));
  }

  at::Tensor forward(at::Tensor images) override {
    auto embedding = layers_->forward(images.flatten(1));
#ifdef GCBENCH_TINY_NET_REGRESSED
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto keep = at::zeros({kDimension}, embedding.options());
    keep[0] = 1;
    embedding = embedding * keep;
#endif
    return embedding;
  }
  std::int64_t dimension() const override { return kDimension; }

 private:
  nn::Sequential layers_{nullptr};
};

class TinyNet : public gcbench::Architecture {
 public:
  explicit TinyNet(const gcbench::Options&) {}
  gcbench::Network build(const gcbench::ImageShape& input, std::int64_t num_classes) const override {
    return {std::make_shared<TinyEmbedding>(input), nn::Linear(kDimension, num_classes)};
  }
};

gcbench::PluginInfo info() {
  return {gcbench::PluginKind::architecture, "tiny_net", "1.0.0", "a 2-layer MLP for the compare tests", {}};
}

}  // namespace

GCBENCH_REGISTER_ARCHITECTURE(TinyNet, info)
