// mlp: a fully connected embedding for tests and toy data: flatten, hidden
// layers with an activation, then a linear map to the embedding.
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/container/sequential.h>
#include <gcbench/plugin.hpp>

namespace {
namespace nn = torch::nn;

class MlpEmbedding : public gcbench::EmbeddingNet {
 public:
  MlpEmbedding(const gcbench::ImageShape& input, const std::vector<std::int64_t>& hidden, std::int64_t embedding_dim,
               const std::string& activation) {
    std::int64_t features = input.channels * input.height * input.width;
    for (const auto width : hidden) {
      layers_->push_back(nn::Linear(features, width));
      if (activation == "tanh") {
        layers_->push_back(nn::Tanh());
      } else {
        layers_->push_back(nn::ReLU());
      }
      features = width;
    }
    layers_->push_back(nn::Linear(features, embedding_dim));
    register_module("layers", layers_);
    dimension_ = embedding_dim;
  }

  at::Tensor forward(at::Tensor images) override { return layers_->forward(images.flatten(1)); }
  std::int64_t dimension() const override { return dimension_; }

 private:
  nn::Sequential layers_;
  std::int64_t dimension_ = 0;
};

class Mlp : public gcbench::Architecture {
 public:
  explicit Mlp(const gcbench::Options& options)
      : hidden_(options.get<std::vector<std::int64_t>>("hidden")),
        embedding_dim_(options.get<std::int64_t>("embedding_dim")),
        activation_(options.get<std::string>("activation")) {}

  gcbench::Network build(const gcbench::ImageShape& input, std::int64_t num_classes) const override {
    auto embedding = std::make_shared<MlpEmbedding>(input, hidden_, embedding_dim_, activation_);
    return {embedding, nn::Linear(embedding_dim_, num_classes)};
  }

 private:
  std::vector<std::int64_t> hidden_;
  std::int64_t embedding_dim_;
  std::string activation_;
};

gcbench::PluginInfo mlp_info() {
  using namespace gcbench::option;
  return {gcbench::PluginKind::architecture,
          "mlp",
          "1.0.0",
          "fully connected embedding, for tests and toy data",
          {integer_list("hidden", {256}, "widths of the hidden layers").at_least(1),
           integer("embedding_dim", 64, "embedding size").at_least(1),
           string("activation", "relu", "hidden-layer activation").one_of({"relu", "tanh"})}};
}

}  // namespace

GCBENCH_REGISTER_ARCHITECTURE(Mlp, mlp_info)
