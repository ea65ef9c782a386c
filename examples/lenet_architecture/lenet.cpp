// lenet: LeNet-5's two convolutions and two fully connected layers as a gcbench
// embedding network f, declared the way torch::nn modules are: every layer a
// registered submodule, so train()/eval(), the optimiser and checkpoints reach it.
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/pooling.h>
#include <gcbench/plugin.hpp>

namespace {
namespace nn = torch::nn;

class LeNetEmbedding : public gcbench::EmbeddingNet {
 public:
  LeNetEmbedding(const gcbench::ImageShape& input, std::int64_t dimension, bool batch_norm) : dimension_(dimension) {
    conv1_ = register_module("conv1", nn::Conv2d(nn::Conv2dOptions(input.channels, 6, 5).padding(2)));
    conv2_ = register_module("conv2", nn::Conv2d(nn::Conv2dOptions(6, 16, 5)));
    if (batch_norm) {
      norm1_ = register_module("norm1", nn::BatchNorm2d(6));
      norm2_ = register_module("norm2", nn::BatchNorm2d(16));
    }
    // Pooling to LeNet's 5x5 grid whatever the input size (28, 32 or 84 pixels), so fc1's width is fixed.
    grid_ = register_module("grid", nn::AdaptiveMaxPool2d(nn::AdaptiveMaxPool2dOptions({5, 5})));
    fc1_ = register_module("fc1", nn::Linear(16 * 5 * 5, 120));
    fc2_ = register_module("fc2", nn::Linear(120, dimension));
  }

  at::Tensor forward(at::Tensor images) override {
    auto x = conv1_->forward(images);
    if (norm1_) x = norm1_->forward(x);
    x = at::max_pool2d(at::relu(x), {2, 2});
    x = conv2_->forward(x);
    if (norm2_) x = norm2_->forward(x);
    x = grid_->forward(at::relu(x)).flatten(1);
    return fc2_->forward(at::relu(fc1_->forward(x)));
  }

  std::int64_t dimension() const override { return dimension_; }

 private:
  std::int64_t dimension_;
  nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
  nn::BatchNorm2d norm1_{nullptr}, norm2_{nullptr};
  nn::AdaptiveMaxPool2d grid_{nullptr};
  nn::Linear fc1_{nullptr}, fc2_{nullptr};
};

class LeNet : public gcbench::Architecture {
 public:
  explicit LeNet(const gcbench::Options& options)
      : dimension_(options.get<std::int64_t>("embedding_dim")), batch_norm_(options.get<bool>("batch_norm")) {}

  gcbench::Network build(const gcbench::ImageShape& input, std::int64_t num_classes) const override {
    // The harness seeded LibTorch's generator just before this call: the default initialisation is reproducible.
    return {std::make_shared<LeNetEmbedding>(input, dimension_, batch_norm_), nn::Linear(dimension_, num_classes)};
  }

 private:
  std::int64_t dimension_;
  bool batch_norm_;
};

gcbench::PluginInfo info() {
  return {gcbench::PluginKind::architecture,
          "lenet",
          "1.0.0",
          "LeNet-5: two 5x5 convolutions and two fully connected layers (example)",
          {gcbench::option::integer("embedding_dim", 84, "width of the embedding f(x)").at_least(1),
           gcbench::option::boolean("batch_norm", false, "batch norm after each convolution")}};
}

}  // namespace

GCBENCH_REGISTER_ARCHITECTURE(LeNet, info)
