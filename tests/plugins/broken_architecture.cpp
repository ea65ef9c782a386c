// broken_architecture: a small conv net that keeps the architecture contract
// (broken = "none") or breaks exactly one of its rules, for the tests that
// show `check-plugin` refusing each broken rule by name.
#include <ATen/ATen.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/pooling.h>
#include <gcbench/plugin.hpp>

namespace {
namespace nn = torch::nn;

constexpr std::int64_t kWidth = 16;

class SmallConv : public gcbench::EmbeddingNet {
 public:
  SmallConv(const gcbench::ImageShape& input, std::string broken) : broken_(std::move(broken)) {
    conv_ = register_module("conv", nn::Conv2d(nn::Conv2dOptions(input.channels, kWidth, 3).padding(1)));
    if (broken_ == "unregistered_batchnorm") {
      norm_ = nn::BatchNorm2d(kWidth);  // held, never registered
    } else {
      norm_ = register_module("norm", nn::BatchNorm2d(kWidth));
    }
    pool_ = register_module("pool", nn::AdaptiveAvgPool2d(nn::AdaptiveAvgPool2dOptions({1, 1})));
    // A fixed projection drawn from the seed, kept as a plain member: checkpoints do not carry it.
    if (broken_ == "unregistered_buffer") projection_ = at::randn({kWidth, kWidth});
  }

  at::Tensor forward(at::Tensor images) override {
    if (broken_ == "rejects_shapes" && images.size(2) != 32) {
      throw std::invalid_argument("broken_architecture: only 32x32 inputs");
    }
    if (broken_ == "detaches_input") images = images.detach();
    auto x = pool_->forward(at::relu(norm_->forward(convolve(images)))).flatten(1);
    if (broken_ == "batch_dependent") x = x - x.mean(0, true);
    if (projection_.defined()) x = x.matmul(projection_);
    if (broken_ == "wrong_dimension") x = x.slice(1, 0, kWidth / 2);
    return x;
  }
  std::int64_t dimension() const override { return kWidth; }

  // stale_when_frozen: weights cached at the first call with frozen parameters, never renewed.
  at::Tensor convolve(const at::Tensor& images) {
    if (broken_ != "stale_when_frozen" || is_training() || conv_->weight.requires_grad()) return conv_->forward(images);
    if (!stale_weight_.defined()) stale_weight_ = conv_->weight.detach().clone();
    return at::conv2d(images, stale_weight_, conv_->bias.detach(), 1, 1);
  }

  // An override that forgets to call the base: eval() never reaches the submodules.
  void train(bool on) override {
    if (broken_ != "train_not_forwarded") torch::nn::Module::train(on);
  }

 private:
  std::string broken_;
  nn::Conv2d conv_{nullptr};
  nn::BatchNorm2d norm_{nullptr};
  nn::AdaptiveAvgPool2d pool_{nullptr};
  at::Tensor projection_;
  at::Tensor stale_weight_;
};

class BrokenArchitecture : public gcbench::Architecture {
 public:
  explicit BrokenArchitecture(const gcbench::Options& options) : broken_(options.get<std::string>("broken")) {}
  gcbench::Network build(const gcbench::ImageShape& input, std::int64_t num_classes) const override {
    return {std::make_shared<SmallConv>(input, broken_), nn::Linear(kWidth, num_classes)};
  }

 private:
  std::string broken_;
};

gcbench::PluginInfo info() {
  return {gcbench::PluginKind::architecture,
          "broken_architecture",
          "1.0.0",
          "a small conv net that keeps or breaks one rule of the architecture contract (tests only)",
          {gcbench::option::string("broken", "none", "which rule to break")
               .one_of({"none", "unregistered_batchnorm", "batch_dependent", "unregistered_buffer", "wrong_dimension",
                        "rejects_shapes", "train_not_forwarded", "detaches_input", "stale_when_frozen"})}};
}

}  // namespace

GCBENCH_REGISTER_ARCHITECTURE(BrokenArchitecture, info)
