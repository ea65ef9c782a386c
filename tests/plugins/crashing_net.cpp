// crashing_net: tiny_net's shape, with a process crash on demand in the middle
// of training (the forward pass number `after_forwards`): a segmentation fault
// or an abort, as a buggy plugin or a failed CUDA assertion would cause. The
// suite runner must record that run as crashed and go on.
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/container/sequential.h>
#include <gcbench/plugin.hpp>

#include <csignal>
#include <cstdlib>

namespace {
namespace nn = torch::nn;

constexpr std::int64_t kDimension = 8;

class CrashingEmbedding : public gcbench::EmbeddingNet {
 public:
  CrashingEmbedding(const gcbench::ImageShape& input, std::string crash, std::int64_t after_forwards)
      : crash_(std::move(crash)), after_forwards_(after_forwards) {
    layers_ = register_module("layers", nn::Sequential(nn::Linear(input.channels * input.height * input.width, 16), nn::ReLU(),
                                                       nn::Linear(16, kDimension)));
  }

  at::Tensor forward(at::Tensor images) override {
    if (++forwards_ == after_forwards_) {
      if (crash_ == "segfault") std::raise(SIGSEGV);
      if (crash_ == "abort") std::abort();
    }
    return layers_->forward(images.flatten(1));
  }
  std::int64_t dimension() const override { return kDimension; }

 private:
  nn::Sequential layers_{nullptr};
  std::string crash_;
  std::int64_t after_forwards_;
  std::int64_t forwards_ = 0;
};

class CrashingNet : public gcbench::Architecture {
 public:
  explicit CrashingNet(const gcbench::Options& options)
      : crash_(options.get<std::string>("crash")), after_forwards_(options.get<std::int64_t>("after_forwards")) {}
  gcbench::Network build(const gcbench::ImageShape& input, std::int64_t num_classes) const override {
    return {std::make_shared<CrashingEmbedding>(input, crash_, after_forwards_), nn::Linear(kDimension, num_classes)};
  }

 private:
  std::string crash_;
  std::int64_t after_forwards_;
};

gcbench::PluginInfo info() {
  return {gcbench::PluginKind::architecture,
          "crashing_net",
          "1.0.0",
          "a 2-layer MLP that can crash its process",
          {gcbench::option::string("crash", "none", "what the forward pass number after_forwards does")
               .one_of({"none", "segfault", "abort"}),
           gcbench::option::integer("after_forwards", 3, "which forward pass crashes").at_least(1)}};
}

}  // namespace

GCBENCH_REGISTER_ARCHITECTURE(CrashingNet, info)
