// gcbench::to_channels_last lays a module's convolution weights out as its
// channels-last activations are, and the networks built so train and measure
// as they did with contiguous weights.
#include <ATen/ATen.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <catch2/catch.hpp>

#include "gcbench/sdk/channels_last.hpp"
#include "gcbench/sdk/dataset.hpp"  // ImageShape

namespace {

namespace nn = torch::nn;

const gcbench::ImageShape kColourImages{3, 8, 8};

struct Layers : nn::Module {
  Layers() {
    conv = register_module("conv", nn::Conv2d(nn::Conv2dOptions(3, 8, 3)));
    pointwise = register_module("pointwise", nn::Conv2d(nn::Conv2dOptions(8, 4, 1)));
    norm = register_module("norm", nn::BatchNorm2d(4));
    linear = register_module("linear", nn::Linear(4, 2));
    mask = register_buffer("mask", at::rand({1, 4, 5, 5}));
  }
  nn::Conv2d conv{nullptr}, pointwise{nullptr};
  nn::BatchNorm2d norm{nullptr};
  nn::Linear linear{nullptr};
  at::Tensor mask;
};

}  // namespace

TEST_CASE("to_channels_last lays every 4-d parameter and buffer out channels-last, and keeps values and tensors",
          "[channels_last]") {
  torch::manual_seed(4);
  Layers layers;
  std::vector<at::Tensor> before, tensors;
  for (const auto& t : layers.parameters()) before.push_back(t.detach().clone());
  for (const auto& t : layers.parameters()) tensors.push_back(t);
  const auto mask = layers.mask.clone();
  gcbench::to_channels_last(layers, kColourImages);

  for (const auto* weight : {&layers.conv->weight, &layers.pointwise->weight}) {
    CHECK(weight->is_contiguous(at::MemoryFormat::ChannelsLast));
    CHECK(weight->requires_grad());
  }
  CHECK_FALSE(layers.conv->weight.is_contiguous());                                           // moved, not only viewed so
  CHECK(layers.pointwise->weight.suggest_memory_format() == at::MemoryFormat::ChannelsLast);  // 1x1: by its strides
  CHECK(layers.mask.is_contiguous(at::MemoryFormat::ChannelsLast));
  CHECK(at::equal(layers.mask, mask));
  CHECK(layers.linear->weight.is_contiguous());  // other ranks as they were
  CHECK(layers.norm->weight.is_contiguous());
  const auto after = layers.parameters();
  REQUIRE(after.size() == before.size());
  for (std::size_t k = 0; k < after.size(); ++k) {
    CHECK(at::equal(after[k], before[k]));
    CHECK(after[k].unsafeGetTensorImpl() == tensors[k].unsafeGetTensorImpl());  // an optimiser's handles stay valid
  }
  gcbench::to_channels_last(layers, kColourImages);  // twice is once
  CHECK(layers.conv->weight.is_contiguous(at::MemoryFormat::ChannelsLast));
}

TEST_CASE("to_channels_last leaves the weights of a module for one-channel images contiguous", "[channels_last]") {
  // LibTorch runs a one-channel batch contiguous (channels_last.hpp): channels-last weights would be copied back.
  struct Gray : nn::Module {
    nn::Conv2d conv = register_module("conv", nn::Conv2d(nn::Conv2dOptions(1, 8, 3)));
  } gray;
  const auto strides = gray.conv->weight.strides().vec();
  gcbench::to_channels_last(gray, gcbench::ImageShape{1, 28, 28});
  CHECK(gray.conv->weight.strides().vec() == strides);
  CHECK(gray.conv->weight.suggest_memory_format() == at::MemoryFormat::Contiguous);
}

TEST_CASE("channels_last_pays on maps larger than 8x8, and not on 8x8 or smaller ones", "[channels_last]") {
  CHECK(gcbench::channels_last_pays(84, 84));
  CHECK(gcbench::channels_last_pays(16, 16));
  CHECK(gcbench::channels_last_pays(10, 10));  // mini-ImageNet's last resnet12 block (84 / 8)
  CHECK(gcbench::channels_last_pays(9, 8));
  CHECK_FALSE(gcbench::channels_last_pays(8, 8));
  CHECK_FALSE(gcbench::channels_last_pays(4, 4));
  CHECK_FALSE(gcbench::channels_last_pays(1, 1));
}
