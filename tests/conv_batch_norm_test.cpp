// gcbench::ConvBatchNorm stands in for a convolution and its batch norm: folded
// into one convolution in evaluation where no parameter gradient can be wanted
// (the same outputs and input gradients to float rounding), the two apart,
// bit for bit, anywhere else.
#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <catch2/catch.hpp>

#include "gcbench/sdk/channels_last.hpp"
#include "gcbench/sdk/conv_batch_norm.hpp"
#include "gcbench/sdk/dataset.hpp"  // ImageShape
#include "measure/frozen_parameters.hpp"

namespace {

namespace nn = torch::nn;

struct Layer {
  nn::Conv2d conv;
  nn::BatchNorm2d norm;
};

// A convolution and a batch norm whose weights and running statistics are all non-trivial.
Layer make_layer(nn::Conv2dOptions conv_options, nn::BatchNorm2dOptions norm_options) {
  torch::manual_seed(3);
  Layer layer{nn::Conv2d(conv_options), nn::BatchNorm2d(norm_options)};
  const auto channels = conv_options.out_channels();
  torch::NoGradGuard no_grad;
  if (layer.norm->weight.defined()) {
    layer.norm->weight.copy_(at::linspace(0.5, 1.5, channels));
    layer.norm->bias.copy_(at::linspace(-0.3, 0.3, channels));
  }
  layer.norm->running_mean.copy_(at::linspace(-0.2, 0.4, channels));
  layer.norm->running_var.copy_(at::linspace(0.3, 2.5, channels));
  return layer;
}

at::Tensor apart(Layer& layer, const at::Tensor& x) { return layer.norm->forward(layer.conv->forward(x)); }

at::Tensor input_gradient(const at::Tensor& x, const std::function<at::Tensor(const at::Tensor&)>& f) {
  const auto input = x.detach().requires_grad_(true);
  const auto y = f(input);
  return torch::autograd::grad({y}, {input}, {at::linspace(-1, 1, y.numel()).view(y.sizes())})[0];
}

bool close(const at::Tensor& a, const at::Tensor& b) { return a.sizes() == b.sizes() && at::allclose(a, b, 1e-5, 1e-6); }

}  // namespace

TEST_CASE("In evaluation with frozen parameters, a convolution and its batch norm run folded with the two apart's results",
          "[conv_batch_norm]") {
  auto conv_options = nn::Conv2dOptions(4, 6, 3).padding(1).bias(false);
  auto norm_options = nn::BatchNorm2dOptions(6);
  auto memory = at::MemoryFormat::Contiguous;
  SECTION("a convolution without bias") {}
  SECTION("a convolution with bias") { conv_options.bias(true); }
  SECTION("a strided 1x1 convolution, as a residual shortcut") {
    conv_options = nn::Conv2dOptions(4, 6, 1).stride(2).bias(false);
  }
  SECTION("a batch norm without affine weights") { norm_options.affine(false); }
  SECTION("channels-last memory") { memory = at::MemoryFormat::ChannelsLast; }
  auto layer = make_layer(conv_options, norm_options);
  layer.conv->eval();
  layer.norm->eval();
  gcbench::ConvBatchNorm folded(layer.conv, layer.norm);
  const auto x = at::randn({3, 4, 9, 9}).contiguous(memory);

  const auto expected = apart(layer, x);
  const auto expected_gradient = input_gradient(x, [&](const at::Tensor& in) { return apart(layer, in); });
  for (auto& p : layer.conv->parameters()) p.requires_grad_(false);
  for (auto& p : layer.norm->parameters()) p.requires_grad_(false);
  CHECK(close(folded(x), expected));
  CHECK(folded.folded_last_call());
  CHECK(close(input_gradient(x, [&](const at::Tensor& in) { return folded(in); }), expected_gradient));
  CHECK(folded.folded_last_call());
}

TEST_CASE("Where a parameter gradient can be wanted, a convolution and its batch norm run apart, bit for bit",
          "[conv_batch_norm]") {
  auto layer = make_layer(nn::Conv2dOptions(4, 6, 3).padding(1), nn::BatchNorm2dOptions(6));
  gcbench::ConvBatchNorm layers(layer.conv, layer.norm);
  const auto x = at::randn({3, 4, 8, 8});
  SECTION("in evaluation with the parameters requiring grad, which then receive it") {
    layer.conv->eval();
    layer.norm->eval();
    const auto y = layers(x);
    CHECK_FALSE(layers.folded_last_call());
    CHECK(at::equal(y, apart(layer, x)));
    y.sum().backward();
    CHECK(layer.conv->weight.grad().defined());
    CHECK(layer.norm->weight.grad().defined());
  }
  SECTION("in training, which moves the running statistics as the two apart do") {
    auto twin = make_layer(nn::Conv2dOptions(4, 6, 3).padding(1), nn::BatchNorm2dOptions(6));
    torch::NoGradGuard no_grad;  // even without gradients: training normalises with the batch's statistics
    CHECK(at::equal(layers(x), apart(twin, x)));
    CHECK_FALSE(layers.folded_last_call());
    CHECK(at::equal(layer.norm->running_mean, twin.norm->running_mean));
    CHECK(at::equal(layer.norm->running_var, twin.norm->running_var));
  }
  SECTION("with reflected padding, which pads before the convolution") {
    auto reflected = make_layer(nn::Conv2dOptions(4, 6, 3).padding(1).padding_mode(torch::kReflect), nn::BatchNorm2dOptions(6));
    gcbench::ConvBatchNorm pair(reflected.conv, reflected.norm);
    reflected.norm->eval();
    torch::NoGradGuard no_grad;
    CHECK(at::equal(pair(x), apart(reflected, x)));
    CHECK_FALSE(pair.folded_last_call());
  }
}

TEST_CASE("With channels-last weights each convolution runs in its input's layout, with contiguous weights' results",
          "[conv_batch_norm][channels_last]") {
  // The twin's contiguous weights meet a channels-last input as LibTorch copies them;
  // channels-last weights meet a contiguous input (a GC penalty's step) as a contiguous copy.
  auto layer = make_layer(nn::Conv2dOptions(4, 6, 3).padding(1), nn::BatchNorm2dOptions(6));
  auto twin = make_layer(nn::Conv2dOptions(4, 6, 3).padding(1), nn::BatchNorm2dOptions(6));
  gcbench::to_channels_last(*layer.conv, gcbench::ImageShape{4, 8, 8});
  gcbench::ConvBatchNorm layers(layer.conv, layer.norm), twins(twin.conv, twin.norm);
  const auto layout = GENERATE(at::MemoryFormat::Contiguous, at::MemoryFormat::ChannelsLast);
  CAPTURE(layout);
  const auto x = at::randn({3, 4, 8, 8}).contiguous(layout);
  SECTION("in training, with the weight's gradient in the weight's layout") {
    const auto y = layers.convolution(x);
    const auto expected = twins.convolution(x);
    CHECK(y.is_contiguous(layout));
    CHECK(at::equal(y, expected));
    (y * at::linspace(-1, 1, y.numel()).view(y.sizes())).sum().backward();
    (expected * at::linspace(-1, 1, y.numel()).view(y.sizes())).sum().backward();
    CHECK(layer.conv->weight.grad().is_contiguous(at::MemoryFormat::ChannelsLast));
    CHECK(at::equal(layer.conv->weight.grad(), twin.conv->weight.grad()));
    CHECK(at::equal(layer.conv->bias.grad(), twin.conv->bias.grad()));
  }
  SECTION("folded in evaluation") {
    layer.norm->eval();
    twin.norm->eval();
    torch::NoGradGuard no_grad;
    const auto y = layers(x);
    CHECK(layers.folded_last_call());
    CHECK(y.is_contiguous(layout));
    CHECK(at::equal(y, twins(x)));
    CHECK(layer.conv->weight.is_contiguous(at::MemoryFormat::ChannelsLast));  // the copy is the call's own
  }
}

TEST_CASE("A folded convolution folds again once a weight or running statistic changes", "[conv_batch_norm]") {
  auto layer = make_layer(nn::Conv2dOptions(4, 6, 3).padding(1), nn::BatchNorm2dOptions(6));
  gcbench::ConvBatchNorm folded(layer.conv, layer.norm);
  const auto x = at::randn({2, 4, 8, 8});
  layer.norm->eval();
  torch::NoGradGuard no_grad;
  REQUIRE(close(folded(x), apart(layer, x)));
  SECTION("a convolution weight updated in place, as an optimiser step does") { layer.conv->weight.mul_(1.5); }
  SECTION("a convolution bias loaded by copy") { layer.conv->bias.copy_(at::ones_like(layer.conv->bias)); }
  SECTION("a batch norm weight and bias") {
    layer.norm->weight.add_(0.25);
    layer.norm->bias.sub_(0.5);
  }
  SECTION("running statistics moved by a forward in training") {
    layer.norm->train();
    layer.norm->forward(layer.conv->forward(at::randn({5, 4, 8, 8}) * 3 + 1));
    layer.norm->eval();
  }
  SECTION("a weight replaced by another tensor, as a move to another device does") {
    layer.conv->weight.set_data(layer.conv->weight.clone() * -1);
  }
  CHECK(close(folded(x), apart(layer, x)));
  CHECK(folded.folded_last_call());
}

TEST_CASE("Frozen parameters require no grad while the guard lives, and those that did are restored", "[conv_batch_norm]") {
  auto layer = make_layer(nn::Conv2dOptions(4, 6, 3).padding(1), nn::BatchNorm2dOptions(6));
  layer.norm->bias.requires_grad_(false);  // already frozen by its owner: stays so
  SECTION("on a normal exit") {
    const gcbench::FrozenParameters frozen(*layer.conv);
    const gcbench::FrozenParameters frozen_norm(*layer.norm);
    CHECK_FALSE(layer.conv->weight.requires_grad());
    CHECK_FALSE(layer.norm->weight.requires_grad());
  }
  SECTION("on an exception") {
    try {
      const gcbench::FrozenParameters frozen(*layer.norm);
      throw std::runtime_error("an estimator failed");
    } catch (const std::runtime_error&) {
    }
  }
  CHECK(layer.conv->weight.requires_grad());
  CHECK(layer.norm->weight.requires_grad());
  CHECK_FALSE(layer.norm->bias.requires_grad());
}
