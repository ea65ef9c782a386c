// vgg11 / vgg13: CIFAR-style VGG with batch norm (the paper's source-task network
// on CIFAR-10, VGG-11 for its MNIST appendix). The depth is fixed at build time:
// CMake builds this file once per plugin with GCBENCH_VGG_DEPTH set.
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/pooling.h>
#include <gcbench/plugin.hpp>

#include <string>
#include <vector>

#ifndef GCBENCH_VGG_DEPTH
#error "build with GCBENCH_VGG_DEPTH=11 or 13"
#endif

namespace {

constexpr int kPool = 0;  // a 2x2 max-pool in the layer list

std::vector<int> layers() {
#if GCBENCH_VGG_DEPTH == 11
  return {64, kPool, 128, kPool, 256, 256, kPool, 512, 512, kPool, 512, 512, kPool};
#elif GCBENCH_VGG_DEPTH == 13
  return {64, 64, kPool, 128, 128, kPool, 256, 256, kPool, 512, 512, kPool, 512, 512, kPool};
#else
#error "GCBENCH_VGG_DEPTH must be 11 or 13"
#endif
}

class VggEmbedding : public gcbench::EmbeddingNet {
 public:
  VggEmbedding(const gcbench::ImageShape& input, double width_multiplier, std::int64_t embedding_dim) {
    std::int64_t channels = input.channels, height = input.height, width = input.width;
    const auto plan = layers();
    for (std::size_t i = 0; i < plan.size(); ++i) {
      if (plan[i] == kPool) continue;  // placed with the conv before it
      const auto out = std::max<std::int64_t>(1, static_cast<std::int64_t>(plan[i] * width_multiplier));
      const torch::nn::Conv2d conv(torch::nn::Conv2dOptions(channels, out, 3).padding(1).bias(false));
      norms_.push_back(torch::nn::BatchNorm2d(out));
      layers_.emplace_back(conv, norms_.back());
      convs_.push_back(conv);
      channels_last_.push_back(gcbench::channels_last_pays(height, width));
      features_->push_back(conv);
      features_->push_back(norms_.back());
      // Small inputs (28 px) run out of pixels before the last pools.
      pooled_.push_back(i + 1 < plan.size() && plan[i + 1] == kPool && std::min(height, width) >= 2);
      if (pooled_.back()) {
        // Pool, then ReLU: they commute (both keep order), so this is the same
        // function with the same gradients. forward() runs batch norm, pool and
        // ReLU as one operation (batch_norm_pool.hpp); the modules stay so that
        // the network prints, and its parameters are named, as before.
        features_->push_back(gcbench::MaxPool2x2());
        height /= 2, width /= 2;
      }
      features_->push_back(torch::nn::ReLU(torch::nn::ReLUOptions().inplace(true)));
      channels = out;
    }
    features_->push_back(torch::nn::AdaptiveAvgPool2d(torch::nn::AdaptiveAvgPool2dOptions(1)));
    register_module("features", features_);
    dimension_ = channels;
    if (embedding_dim > 0) {
      projection_ = register_module("projection", torch::nn::Linear(channels, embedding_dim));
      dimension_ = embedding_dim;
    }
  }

  // The weights of the layers that run channels-last lie so; the others stay contiguous.
  void lay_out_weights(const gcbench::ImageShape& input) {
    for (std::size_t layer = 0; layer < convs_.size(); ++layer) {
      if (channels_last_[layer]) gcbench::to_channels_last(*convs_[layer], input);
    }
  }

  at::Tensor forward(at::Tensor images) override {
    // A plain training step in channels-last memory, as conv4's (see there), up
    // to the layers on small maps, which run contiguous (sdk/channels_last.hpp).
    const bool channels_last = is_training() && !images.requires_grad();
    at::Tensor x = channels_last ? images.contiguous(at::MemoryFormat::ChannelsLast) : images;
    for (std::size_t layer = 0; layer < layers_.size(); ++layer) {
      if (channels_last && !channels_last_[layer]) x = x.contiguous();
      if (is_training()) {
        x = layers_[layer].convolution(x);
        x = pooled_[layer] ? gcbench::batch_norm_max_pool_relu(x, norms_[layer]) : gcbench::batch_norm_relu(x, norms_[layer]);
      } else {  // batch norm folded into the convolution (sdk/conv_batch_norm.hpp)
        x = layers_[layer](x);
        x = (pooled_[layer] ? gcbench::max_pool_2x2(x) : x).relu_();
      }
    }
    x = at::adaptive_avg_pool2d(x, {1, 1}).flatten(1);  // the Sequential's last module
    return projection_.is_empty() ? x : projection_->forward(x);
  }
  std::int64_t dimension() const override { return dimension_; }

 private:
  torch::nn::Sequential features_;
  std::vector<torch::nn::BatchNorm2d> norms_;
  std::vector<gcbench::ConvBatchNorm> layers_;  // each convolution with norms_[i]
  std::vector<torch::nn::Conv2d> convs_;        // layers_[i]'s
  std::vector<bool> channels_last_;             // whether the layer's maps are large enough to pay for channels-last
  std::vector<bool> pooled_;                    // whether a 2x2 max-pool follows the layer's batch norm
  torch::nn::Linear projection_{nullptr};
  std::int64_t dimension_ = 0;
};

class Vgg : public gcbench::Architecture {
 public:
  explicit Vgg(const gcbench::Options& options)
      : width_(options.get<double>("width_multiplier")), embedding_dim_(options.get<std::int64_t>("embedding_dim")) {}

  gcbench::Network build(const gcbench::ImageShape& input, std::int64_t num_classes) const override {
    auto embedding = std::make_shared<VggEmbedding>(input, width_, embedding_dim_);
    embedding->lay_out_weights(input);
    return {embedding, torch::nn::Linear(embedding->dimension(), num_classes)};
  }

 private:
  double width_;
  std::int64_t embedding_dim_;
};

gcbench::PluginInfo vgg_info() {
  using namespace gcbench::option;
  return {gcbench::PluginKind::architecture,
          "vgg" + std::to_string(GCBENCH_VGG_DEPTH),
          // 1.4.0: batch norm and its ReLU as one operation in training (sdk/batch_norm_relu.hpp),
          // the same function to float rounding.
          // 1.4.1: convolution weights in channels-last memory (sdk/channels_last.hpp): the same values, to the bit.
          // 1.5.0: the layers on maps of 8x8 or less run contiguous, in oneDNN's blocked layout, their weights so
          // (sdk/channels_last.hpp): the same function to float rounding.
          "1.5.0",
          "CIFAR-style VGG-" + std::to_string(GCBENCH_VGG_DEPTH) + " with batch norm; global average pool to a 512-d embedding",
          {real("width_multiplier", 1.0, "scales every layer's channels (1: 64 .. 512)").at_least(0.01),
           integer("embedding_dim", 0, "a linear map to this size after the pool (0: none, 512 x width)").at_least(0)}};
}

}  // namespace

GCBENCH_REGISTER_ARCHITECTURE(Vgg, vgg_info)
