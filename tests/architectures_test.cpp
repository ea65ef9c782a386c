#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <catch2/catch.hpp>

#include "support/plugin_options.hpp"

using gcbench::PluginKind;
using gcbench::testing::bundled_plugins;
using gcbench::testing::options_for;

namespace {
std::int64_t parameter_count(gcbench::Network& network) {
  std::int64_t count = 0;
  for (const auto& p : network.embedding->parameters()) count += p.numel();
  for (const auto& p : network.head->parameters()) count += p.numel();
  return count;
}
}  // namespace

TEST_CASE("Every architecture adapts to 1x28x28, 3x32x32 and 3x84x84 inputs", "[architectures]") {
  const std::vector<std::pair<std::string, std::int64_t>> expected = {{"conv4", 64},  {"mlp", 64},       {"vgg11", 512},
                                                                      {"vgg13", 512}, {"resnet18", 512}, {"resnet12", 640}};
  const std::vector<gcbench::ImageShape> shapes = {{1, 28, 28}, {3, 32, 32}, {3, 84, 84}};
  torch::NoGradGuard no_grad;
  for (const auto& [name, dimension] : expected) {
    for (const auto& shape : shapes) {
      DYNAMIC_SECTION(name << " on " << shape.channels << "x" << shape.height << "x" << shape.width) {
        auto network = bundled_plugins().create_architecture(name, options_for(PluginKind::architecture, name))->build(shape, 7);
        network.embedding->eval();
        const auto embedding = network.embedding->forward(at::randn({2, shape.channels, shape.height, shape.width}));
        CHECK(network.embedding->dimension() == dimension);
        CHECK(embedding.sizes() == at::IntArrayRef{2, dimension});
        CHECK(network.head->forward(embedding).sizes() == at::IntArrayRef{2, 7});
        CHECK(parameter_count(network) > 0);
      }
    }
  }
}

TEST_CASE("The standard architectures have their published parameter counts", "[architectures]") {
  // CIFAR ResNet-18 with a 10-class head: 11,173,962 parameters; VGG-13 (BN, no conv bias) ~9.4M.
  auto resnet = bundled_plugins()
                    .create_architecture("resnet18", options_for(PluginKind::architecture, "resnet18"))
                    ->build({3, 32, 32}, 10);
  CHECK(parameter_count(resnet) == 11173962);
  auto resnet12 = bundled_plugins()
                      .create_architecture("resnet12", options_for(PluginKind::architecture, "resnet12"))
                      ->build({3, 84, 84}, 64);
  CHECK(parameter_count(resnet12) > 12'000'000);
  CHECK(parameter_count(resnet12) < 12'600'000);
}

TEST_CASE("Width options change the embedding where the architecture has them", "[architectures]") {
  auto narrow =
      bundled_plugins()
          .create_architecture("resnet18", options_for(PluginKind::architecture, "resnet18", {{"width", std::int64_t{16}}}))
          ->build({3, 32, 32}, 5);
  CHECK(narrow.embedding->dimension() == 128);
  auto projected =
      bundled_plugins()
          .create_architecture("vgg13", options_for(PluginKind::architecture, "vgg13",
                                                    {{"width_multiplier", 0.25}, {"embedding_dim", std::int64_t{32}}}))
          ->build({3, 32, 32}, 5);
  CHECK(projected.embedding->dimension() == 32);
}
