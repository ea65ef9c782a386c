// conv4: the few-shot baseline backbone. Four blocks of 3x3 conv, batch norm,
// ReLU and 2x2 max-pool, then a linear map to the embedding.
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <gcbench/plugin.hpp>

#include <stdexcept>
#include <vector>

#ifdef GCBENCH_TEST_SLOWDOWN
#include <chrono>
#include <cstdlib>
#endif

namespace {

#ifdef GCBENCH_TEST_SLOWDOWN
// Only in ci/sensitivity.sh's copy of this plugin (tests/CMakeLists.txt): a
// known slowdown, for measuring how often the nightly's paired bench catches
// one. After each forward, busy work for GCBENCH_TEST_SLOWDOWN (a fraction, from
// the environment) of that forward's own time; busy, not asleep, as slower
// code would be.
void add_injected_slowdown(std::chrono::steady_clock::time_point forward_start) {
  static const double fraction = [] {
    const char* text = std::getenv("GCBENCH_TEST_SLOWDOWN");
    return text ? std::atof(text) : 0.0;
  }();
  const auto now = std::chrono::steady_clock::now();
  const auto until = now + std::chrono::duration_cast<std::chrono::steady_clock::duration>((now - forward_start) * fraction);
  while (std::chrono::steady_clock::now() < until) {
  }
}
#endif

class Conv4Embedding : public gcbench::EmbeddingNet {
 public:
  Conv4Embedding(const gcbench::ImageShape& input, std::int64_t width, std::int64_t embedding_dim) {
    std::int64_t channels = input.channels, height = input.height, width_px = input.width;
    for (int block = 0; block < 4; ++block) {
      const torch::nn::Conv2d conv(torch::nn::Conv2dOptions(channels, width, 3).padding(1));
      norms_.push_back(torch::nn::BatchNorm2d(width));
      layers_.emplace_back(conv, norms_.back());
      features_->push_back(conv);
      features_->push_back(norms_.back());
      // Pool, then ReLU: the two commute (both keep order), so the network is the
      // same function with the same gradients, and the ReLU runs on a quarter of
      // the values. forward() runs batch norm, pool and ReLU as one operation
      // (batch_norm_pool.hpp); the two modules stay so that the network prints,
      // and its parameters are named, as before.
      features_->push_back(gcbench::MaxPool2x2());
      features_->push_back(torch::nn::ReLU(torch::nn::ReLUOptions().inplace(true)));
      channels = width;
      height /= 2;
      width_px /= 2;
    }
    if (height < 1 || width_px < 1) {
      throw std::invalid_argument("conv4 needs images of at least 16x16 pixels");
    }
    const std::int64_t flat = channels * height * width_px;
    register_module("features", features_);
    if (embedding_dim > 0) {
      projection_ = register_module("projection", torch::nn::Linear(flat, embedding_dim));
      dimension_ = embedding_dim;
    } else {
      dimension_ = flat;
    }
  }

  at::Tensor forward(at::Tensor images) override {
#ifdef GCBENCH_TEST_SLOWDOWN
    const auto start = std::chrono::steady_clock::now();
#endif
    // A plain training step and evaluation run in channels-last (NHWC) memory:
    // oneDNN's convolutions, the fused batch norm and pool, and LibTorch's
    // backward of each are faster so (the step 0.90x the time; Hutchinson GC
    // 0.84x, exact GC 0.94x on a 2-core EPYC with AVX-512). Contiguous (NCHW)
    // in a training step whose input's gradient is asked for, a GC penalty's
    // double backward (1.48x the time in channels-last).
    at::Tensor x = !is_training() || !images.requires_grad() ? images.contiguous(at::MemoryFormat::ChannelsLast) : images;
    for (std::size_t block = 0; block < layers_.size(); ++block) {
      x = is_training() ? gcbench::batch_norm_max_pool_relu(layers_[block].convolution(x), norms_[block])
                        : gcbench::max_pool_2x2(layers_[block](x)).relu_();  // batch norm folded (sdk/conv_batch_norm.hpp)
    }
    x = x.flatten(1);
    auto embedding = projection_.is_empty() ? x : projection_->forward(x);
#ifdef GCBENCH_TEST_SLOWDOWN
    add_injected_slowdown(start);
#endif
    return embedding;
  }

  std::int64_t dimension() const override { return dimension_; }

 private:
  torch::nn::Sequential features_;
  std::vector<torch::nn::BatchNorm2d> norms_;
  std::vector<gcbench::ConvBatchNorm> layers_;  // each convolution with norms_[i]
  torch::nn::Linear projection_{nullptr};
  std::int64_t dimension_ = 0;
};

class Conv4 : public gcbench::Architecture {
 public:
  explicit Conv4(const gcbench::Options& options)
      : width_(options.get<std::int64_t>("width")), embedding_dim_(options.get<std::int64_t>("embedding_dim")) {}

  gcbench::Network build(const gcbench::ImageShape& input, std::int64_t num_classes) const override {
    auto embedding = std::make_shared<Conv4Embedding>(input, width_, embedding_dim_);
    gcbench::to_channels_last(*embedding, input);
    return {embedding, torch::nn::Linear(embedding->dimension(), num_classes)};
  }

 private:
  std::int64_t width_;
  std::int64_t embedding_dim_;
};

gcbench::PluginInfo conv4_info() {
  using namespace gcbench::option;
  return {gcbench::PluginKind::architecture,
          "conv4",
          // 1.5.1: convolution weights in channels-last memory (sdk/channels_last.hpp): the same values, to the bit.
          "1.5.1",
          "four conv-BN-ReLU-pool blocks and a linear embedding (few-shot baseline)",
          {integer("width", 64, "channels of every conv block").at_least(1),
           integer("embedding_dim", 64, "embedding size after a linear map (0: the flattened conv features)").at_least(0)}};
}

}  // namespace

GCBENCH_REGISTER_ARCHITECTURE(Conv4, conv4_info)
