// resnet12: the few-shot standard backbone (as in RFS and LibFewShot): four
// residual blocks of 64-160-320-640 channels, each three 3x3 conv-BN-LeakyReLU
// layers with a 1x1 shortcut and a 2x2 max-pool, then global average pooling.
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <gcbench/plugin.hpp>

#include <vector>

namespace {
namespace nn = torch::nn;

nn::Conv2d conv(std::int64_t in, std::int64_t out, std::int64_t kernel) {
  return nn::Conv2d(nn::Conv2dOptions(in, out, kernel).padding(kernel / 2).bias(false));
}

class ResidualBlockImpl : public nn::Module {
 public:
  ResidualBlockImpl(std::int64_t in, std::int64_t out, bool pool) : pool_(pool) {
    const nn::Conv2d convs[] = {conv(in, out, 3), conv(out, out, 3), conv(out, out, 3), conv(in, out, 1)};
    const nn::BatchNorm2d norms[] = {nn::BatchNorm2d(out), nn::BatchNorm2d(out), nn::BatchNorm2d(out), nn::BatchNorm2d(out)};
    // The Sequentials name the parameters (body.0.weight, ...) as before; forward() runs the pairs.
    register_module("body", nn::Sequential(convs[0], norms[0], nn::LeakyReLU(leaky()), convs[1], norms[1], nn::LeakyReLU(leaky()),
                                           convs[2], norms[2]));
    register_module("shortcut", nn::Sequential(convs[3], norms[3]));
    for (int i = 0; i < 4; ++i) {
      layers_.emplace_back(convs[i], norms[i]);
      norms_.push_back(norms[i]);
    }
  }

  // In training each batch norm runs with its leaky ReLU (and the sum before
  // it) as one operation (sdk/batch_norm_relu.hpp); in evaluation each is
  // folded into its convolution.
  at::Tensor forward(const at::Tensor& x) {
    at::Tensor y;
    if (is_training()) {
      y = gcbench::batch_norm_relu(layers_[0].convolution(x), norms_[0], kSlope);
      y = gcbench::batch_norm_relu(layers_[1].convolution(y), norms_[1], kSlope);
      y = gcbench::batch_norm_add_relu(layers_[2].convolution(y), norms_[2], layers_[3](x), kSlope);
    } else {
      y = at::leaky_relu(layers_[0](x), kSlope);
      y = layers_[2](at::leaky_relu(layers_[1](y), kSlope));
      y = at::leaky_relu(y + layers_[3](x), kSlope);
    }
    return pool_ ? gcbench::max_pool_2x2(y) : y;  // at::max_pool2d(y, 2)'s results, faster
  }

 private:
  static constexpr double kSlope = 0.1;
  static nn::LeakyReLUOptions leaky() { return nn::LeakyReLUOptions().negative_slope(kSlope); }
  // The body's three convolutions and the shortcut's, each with its batch norm,
  // folded in evaluation (sdk/conv_batch_norm.hpp).
  std::vector<gcbench::ConvBatchNorm> layers_;
  std::vector<nn::BatchNorm2d> norms_;  // layers_[i]'s
  bool pool_;
};
TORCH_MODULE(ResidualBlock);

class ResNet12Embedding : public gcbench::EmbeddingNet {
 public:
  ResNet12Embedding(const gcbench::ImageShape& input, const std::vector<std::int64_t>& widths) {
    std::int64_t channels = input.channels, height = input.height, width = input.width;
    for (const auto out : widths) {
      const bool pool = std::min(height, width) >= 2;
      blocks_->push_back(ResidualBlock(channels, out, pool));
      channels_last_.push_back(gcbench::channels_last_pays(height, width));
      if (pool) height /= 2, width /= 2;
      channels = out;
    }
    register_module("blocks", blocks_);
    dimension_ = channels;
  }

  // The weights of the blocks that run channels-last lie so; the others stay contiguous.
  void lay_out_weights(const gcbench::ImageShape& input) {
    for (std::size_t i = 0; i < blocks_->size(); ++i) {
      if (channels_last_[i]) gcbench::to_channels_last(*blocks_->ptr(i), input);
    }
  }

  at::Tensor forward(at::Tensor images) override {
    // A plain training step in channels-last memory, as conv4's (see there), up
    // to the blocks on small maps, which run contiguous (sdk/channels_last.hpp).
    const bool channels_last = is_training() && !images.requires_grad();
    auto x = channels_last ? images.contiguous(at::MemoryFormat::ChannelsLast) : images;
    for (std::size_t i = 0; i < blocks_->size(); ++i) {
      if (channels_last && !channels_last_[i]) x = x.contiguous();
      x = blocks_->ptr<ResidualBlockImpl>(i)->forward(x);
    }
    return x.mean({2, 3});
  }
  std::int64_t dimension() const override { return dimension_; }

 private:
  nn::Sequential blocks_;
  std::vector<bool> channels_last_;  // per block: whether its maps are large enough to pay for channels-last
  std::int64_t dimension_ = 0;
};

class ResNet12 : public gcbench::Architecture {
 public:
  explicit ResNet12(const gcbench::Options& options) : widths_(options.get<std::vector<std::int64_t>>("widths")) {
    if (widths_.size() != 4) throw std::invalid_argument("option 'widths' needs 4 values, one per residual block");
  }

  gcbench::Network build(const gcbench::ImageShape& input, std::int64_t num_classes) const override {
    auto embedding = std::make_shared<ResNet12Embedding>(input, widths_);
    embedding->lay_out_weights(input);
    return {embedding, nn::Linear(embedding->dimension(), num_classes)};
  }

 private:
  std::vector<std::int64_t> widths_;
};

gcbench::PluginInfo resnet12_info() {
  using namespace gcbench::option;
  return {gcbench::PluginKind::architecture,
          "resnet12",
          // 1.4.0: batch norm and its ReLU (and the residual's sum) as one operation in training (sdk/batch_norm_relu.hpp),
          // the same function to float rounding.
          // 1.4.1: convolution weights in channels-last memory (sdk/channels_last.hpp): the same values, to the bit.
          // 1.5.0: the blocks on maps of 8x8 or less run contiguous, in oneDNN's blocked layout, their weights so
          // (sdk/channels_last.hpp): the same function to float rounding.
          "1.5.0",
          "few-shot ResNet-12 (RFS, LibFewShot): blocks of 64-160-320-640 channels, 640-d embedding",
          {integer_list("widths", {64, 160, 320, 640}, "channels of the four residual blocks").at_least(1)}};
}

}  // namespace

GCBENCH_REGISTER_ARCHITECTURE(ResNet12, resnet12_info)
