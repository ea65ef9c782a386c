// resnet18: CIFAR-style ResNet-18 (3x3 stem, no max-pool, stages 64-128-256-512
// of two basic blocks, global average pool): the paper's network on CIFAR-FS.
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/pooling.h>
#include <gcbench/plugin.hpp>

#include <optional>
#include <vector>

namespace {
namespace nn = torch::nn;

nn::Conv2d conv(std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride) {
  return nn::Conv2d(nn::Conv2dOptions(in, out, kernel).stride(stride).padding(kernel / 2).bias(false));
}

class BasicBlockImpl : public nn::Module {
 public:
  BasicBlockImpl(std::int64_t in, std::int64_t out, std::int64_t stride)
      : conv1_(register_module("conv1", conv(in, out, 3, stride))),
        bn1_(register_module("bn1", nn::BatchNorm2d(out))),
        conv2_(register_module("conv2", conv(out, out, 3, 1))),
        bn2_(register_module("bn2", nn::BatchNorm2d(out))) {
    if (stride != 1 || in != out) {
      nn::Conv2d projection = conv(in, out, 1, stride);
      nn::BatchNorm2d norm(out);
      register_module("shortcut", nn::Sequential(projection, norm));
      shortcut_.emplace(projection, norm);
    }
  }

  // In training each batch norm runs with its ReLU (and the sum before it) as
  // one operation (sdk/batch_norm_relu.hpp); in evaluation each is folded into
  // its convolution, and the ReLUs run in place: neither the convolutions'
  // backward nor the sum's needs their input.
  at::Tensor forward(const at::Tensor& x) {
    const auto shortcut = [&] { return shortcut_ ? (*shortcut_)(x) : x; };
    if (is_training()) {
      const auto y = gcbench::batch_norm_relu(layer1_.convolution(x), bn1_);
      return gcbench::batch_norm_add_relu(layer2_.convolution(y), bn2_, shortcut());
    }
    return (layer2_(layer1_(x).relu_()) + shortcut()).relu_();
  }

 private:
  nn::Conv2d conv1_;
  nn::BatchNorm2d bn1_;
  nn::Conv2d conv2_;
  nn::BatchNorm2d bn2_;
  // Each convolution with its batch norm, folded in evaluation (sdk/conv_batch_norm.hpp).
  gcbench::ConvBatchNorm layer1_{conv1_, bn1_};
  gcbench::ConvBatchNorm layer2_{conv2_, bn2_};
  std::optional<gcbench::ConvBatchNorm> shortcut_;  // registered as "shortcut": Sequential(conv, norm)
};
TORCH_MODULE(BasicBlock);

class ResNet18Embedding : public gcbench::EmbeddingNet {
 public:
  ResNet18Embedding(const gcbench::ImageShape& input, std::int64_t width) {
    nn::Conv2d stem_conv = conv(input.channels, width, 3, 1);
    stem_norm_ = nn::BatchNorm2d(width);
    register_module("stem", nn::Sequential(stem_conv, stem_norm_));
    stem_.emplace(stem_conv, stem_norm_);
    std::int64_t channels = width, height = input.height, breadth = input.width;
    stem_channels_last_ = gcbench::channels_last_pays(height, breadth);
    for (int stage = 0; stage < 4; ++stage) {
      const std::int64_t out = width << stage, stride = stage == 0 ? 1 : 2;
      height = (height - 1) / stride + 1, breadth = (breadth - 1) / stride + 1;  // a 3x3 convolution's, padded by 1
      stages_->push_back(BasicBlock(channels, out, stride));
      stages_->push_back(BasicBlock(out, out, 1));
      channels_last_.insert(channels_last_.end(), 2, gcbench::channels_last_pays(height, breadth));
      channels = out;
    }
    register_module("stages", stages_);
    dimension_ = channels;
  }

  // The weights of the layers that run channels-last lie so; the others stay contiguous.
  void lay_out_weights(const gcbench::ImageShape& input) {
    if (stem_channels_last_) gcbench::to_channels_last(*named_children()["stem"], input);
    for (std::size_t i = 0; i < stages_->size(); ++i) {
      if (channels_last_[i]) gcbench::to_channels_last(*stages_->ptr(i), input);
    }
  }

  at::Tensor forward(at::Tensor images) override {
    // A plain training step and evaluation in channels-last memory, as conv4's
    // (see there), up to the blocks on small maps, which run contiguous
    // (sdk/channels_last.hpp). Evaluation so: Hutchinson GC 0.97x the time
    // [0.95, 0.99], output sampling 0.96x, exact 0.95x (2-core EPYC with
    // AVX-512, 6 paired rounds, every block channels-last).
    const bool channels_last = !is_training() || !images.requires_grad();
    const auto layout = [&](const at::Tensor& t, bool pays) {
      return channels_last ? t.contiguous(pays ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous) : t;
    };
    const auto input = layout(images, stem_channels_last_);
    auto x = is_training() ? gcbench::batch_norm_relu(stem_->convolution(input), stem_norm_) : (*stem_)(input).relu_();
    for (std::size_t i = 0; i < stages_->size(); ++i) x = stages_->ptr<BasicBlockImpl>(i)->forward(layout(x, channels_last_[i]));
    return x.mean({2, 3});
  }
  std::int64_t dimension() const override { return dimension_; }

 private:
  nn::BatchNorm2d stem_norm_{nullptr};
  std::optional<gcbench::ConvBatchNorm> stem_;  // registered as "stem": Sequential(conv, stem_norm_)
  nn::Sequential stages_;
  // Whether the stem's maps, and each block's output maps, are large enough to pay for channels-last.
  bool stem_channels_last_ = true;
  std::vector<bool> channels_last_;
  std::int64_t dimension_ = 0;
};

class ResNet18 : public gcbench::Architecture {
 public:
  explicit ResNet18(const gcbench::Options& options) : width_(options.get<std::int64_t>("width")) {}

  gcbench::Network build(const gcbench::ImageShape& input, std::int64_t num_classes) const override {
    auto embedding = std::make_shared<ResNet18Embedding>(input, width_);
    embedding->lay_out_weights(input);
    return {embedding, nn::Linear(embedding->dimension(), num_classes)};
  }

 private:
  std::int64_t width_;
};

gcbench::PluginInfo resnet18_info() {
  using namespace gcbench::option;
  return {gcbench::PluginKind::architecture,
          "resnet18",
          // 1.4.0: batch norm and its ReLU (and the residual's sum) as one operation in training (sdk/batch_norm_relu.hpp),
          // the same function to float rounding.
          // 1.4.1: convolution weights in channels-last memory (sdk/channels_last.hpp): the same values, to the bit.
          // 1.5.0: the blocks on maps of 8x8 or less run contiguous, in oneDNN's blocked layout, their weights so
          // (sdk/channels_last.hpp): the same function to float rounding.
          "1.5.0",
          "CIFAR-style ResNet-18: 3x3 stem, no max-pool, stages of width x (1, 2, 4, 8); 8 x width embedding",
          {integer("width", 64, "channels of the first stage (64: the standard 512-d embedding)").at_least(1)}};
}

}  // namespace

GCBENCH_REGISTER_ARCHITECTURE(ResNet18, resnet18_info)
