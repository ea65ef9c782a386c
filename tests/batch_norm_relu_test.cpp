// gcbench::batch_norm_relu and batch_norm_add_relu stand in for BatchNorm2d,
// the residual's sum and (leaky) ReLU in resnet18, resnet12 and VGG: the same
// outputs, running statistics and gradients (of first and second order) as
// the operations apart, to float rounding.
#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <catch2/catch.hpp>

#include <vector>

#include "gcbench/sdk/batch_norm_relu.hpp"
#include "support/twin_batch_norms.hpp"

using gcbench::testing::close;
using gcbench::testing::twin_batch_norms;

namespace {

constexpr auto kChannelsLast = at::MemoryFormat::ChannelsLast;

at::Tensor last(const at::Tensor& x) { return x.contiguous(kChannelsLast); }

// What the fused operation replaces, in contiguous memory: LibTorch's
// channels-last batch norm sums in float, further from a double reference
// than either the fused operation or the contiguous one.
at::Tensor apart(const at::Tensor& x, torch::nn::BatchNorm2d& norm, const at::Tensor& residual, double slope) {
  auto y = norm->forward(x.contiguous());
  if (residual.defined()) y = y + residual.contiguous();
  return slope == 0 ? at::relu(y) : at::leaky_relu(y, slope);
}

at::Tensor fused(const at::Tensor& x, torch::nn::BatchNorm2d& norm, const at::Tensor& residual, double slope) {
  return residual.defined() ? gcbench::batch_norm_add_relu(x, norm, residual, slope) : gcbench::batch_norm_relu(x, norm, slope);
}

// The variants every case runs: ReLU or leaky ReLU, with a residual or without.
struct Variant {
  double slope;
  bool residual;
};

Variant variant() {
  Variant v{0.0, false};
  SECTION("ReLU") {}
  SECTION("ReLU after a residual") { v.residual = true; }
  SECTION("leaky ReLU") { v.slope = 0.1; }
  SECTION("leaky ReLU after a residual") { v = {0.1, true}; }
  return v;
}

}  // namespace

TEST_CASE("Fused batch norm and ReLU give the operations apart's outputs and running statistics", "[batch_norm_relu]") {
  at::manual_seed(5);
  std::vector<std::int64_t> shape = {8, 6, 16, 16};
  auto type = at::kFloat;
  double shift = 0, absolute = 1e-6;
  bool cumulative = false;
  SECTION("float") {}
  SECTION("double") { type = at::kDouble; }
  // A float's rounding of x, times |mean| / std, survives normalising (in either).
  SECTION("a mean far from zero") { shift = 50, absolute = 50 * 1e-6; }
  SECTION("no momentum: a cumulative average") { cumulative = true; }
  SECTION("more channels than a vector block") { shape = {2, 300, 4, 6}; }
  SECTION("many pixels, so several threads") { shape = {64, 16, 32, 32}; }
  const auto v = variant();
  const auto x = last(at::randn(shape, at::TensorOptions(type)).add(shift));
  const auto residual = v.residual ? last(at::randn(shape, at::TensorOptions(type))) : at::Tensor();
  auto options = torch::nn::BatchNorm2dOptions(shape[1]);
  if (cumulative) options.momentum(c10::nullopt);
  auto [ours, theirs] = twin_batch_norms(options, type);
  for (int call = 0; call < 3; ++call) {  // the running statistics move three times
    const auto y = fused(x + call, ours, residual, v.slope);
    CHECK(close(y, apart(x + call, theirs, residual, v.slope), 1e-5, absolute));
    CHECK(y.is_contiguous(kChannelsLast));  // the next layer gets the layout it gave
    CHECK(close(ours->running_mean, theirs->running_mean));
    CHECK(close(ours->running_var, theirs->running_var));
    CHECK(ours->num_batches_tracked.item<std::int64_t>() == theirs->num_batches_tracked.item<std::int64_t>());
  }
}

TEST_CASE("Fused batch norm and ReLU send back the operations apart's gradients", "[batch_norm_relu]") {
  at::manual_seed(6);
  std::vector<std::int64_t> shape = {8, 4, 10, 10};
  auto type = at::kFloat;
  double shift = 0;
  SECTION("float") {}
  SECTION("double") { type = at::kDouble; }
  SECTION("a mean far from zero") { shift = 50; }
  SECTION("more channels than a vector, so a remainder loop") { shape = {2, 37, 6, 6}; }
  SECTION("many pixels, so several threads") { shape = {32, 16, 32, 32}; }
  const auto v = variant();
  const auto input = last(at::randn(shape, at::TensorOptions(type)).add(shift));
  const auto added = last(at::randn(shape, at::TensorOptions(type)));
  const auto upstream = at::randn(shape, at::TensorOptions(type));  // contiguous: the fused backward takes any layout
  auto [ours, theirs] = twin_batch_norms(torch::nn::BatchNorm2dOptions(shape[1]), type);
  const auto gradients = [&](torch::nn::BatchNorm2d& norm, bool fuse) {
    const auto x = input.clone().requires_grad_(true);
    const auto residual = v.residual ? added.clone().requires_grad_(true) : at::Tensor();
    const auto y = fuse ? fused(x, norm, residual, v.slope) : apart(x, norm, residual, v.slope);
    std::vector<at::Tensor> wrt = {x, norm->weight, norm->bias};
    if (v.residual) wrt.push_back(residual);
    return torch::autograd::grad({y}, wrt, {upstream});
  };
  const auto mine = gradients(ours, true), reference = gradients(theirs, false);
  REQUIRE(mine[0].is_contiguous(kChannelsLast));
  for (std::size_t i = 0; i < mine.size(); ++i) CHECK(close(mine[i], reference[i], 1e-4, 1e-6 * (1 + shift)));
}

TEST_CASE("The fused batch norm and ReLU repeat to the bit whatever the thread count", "[batch_norm_relu]") {
  at::manual_seed(9);
  const auto input = last(at::randn({32, 16, 32, 32}));
  const auto added = last(at::randn({32, 16, 32, 32}));
  const auto upstream = at::randn({32, 16, 32, 32});
  const auto run_with = [&](int threads) {
    const int before = at::get_num_threads();
    at::set_num_threads(threads);
    auto norm = twin_batch_norms(torch::nn::BatchNorm2dOptions(16)).first;
    const auto x = input.clone().requires_grad_(true), residual = added.clone().requires_grad_(true);
    const auto y = gcbench::batch_norm_add_relu(x, norm, residual);
    auto results = torch::autograd::grad({y}, {x, norm->weight, norm->bias, residual}, {upstream});
    results.push_back(y.detach());
    results.push_back(norm->running_var.clone());
    at::set_num_threads(before);
    return results;
  };
  const auto one = run_with(1), two = run_with(2);
  for (std::size_t i = 0; i < one.size(); ++i) CHECK(at::equal(one[i], two[i]));
}

TEST_CASE("A GC penalty's double backward through fused batch norm and ReLU is the operations apart's", "[batch_norm_relu]") {
  at::manual_seed(7);
  const auto v = variant();
  const auto input = last(at::randn({6, 3, 8, 8}));
  const auto added = last(at::randn({6, 4, 8, 8}));
  const auto probe = at::randint(0, 2, {6, 4, 8, 8}).mul(2).sub(1).to(at::kFloat);  // Rademacher, as Hutchinson's
  const auto penalty_gradients = [&](bool fuse) {
    at::manual_seed(8);
    torch::nn::Conv2d conv(torch::nn::Conv2dOptions(3, 4, 3).padding(1));
    auto norm = twin_batch_norms(torch::nn::BatchNorm2dOptions(4)).first;
    const auto x = input.clone().requires_grad_(true);
    const auto residual = v.residual ? added.clone().requires_grad_(true) : at::Tensor();
    const auto features = conv->forward(x);
    REQUIRE(features.is_contiguous(kChannelsLast));  // so that the fused path is taken
    const auto y = fuse ? fused(features, norm, residual, v.slope) : apart(features, norm, residual, v.slope);
    std::vector<at::Tensor> inputs = {x};
    if (v.residual) inputs.push_back(residual);
    const auto input_gradients = torch::autograd::grad({y}, inputs, {probe}, /*retain_graph=*/true, /*create_graph=*/true);
    auto penalty = y.sum();
    for (const auto& g : input_gradients) penalty = penalty + g.pow(2).sum();
    return torch::autograd::grad({penalty}, {conv->weight, norm->weight, norm->bias});
  };
  const auto ours = penalty_gradients(true), theirs = penalty_gradients(false);
  for (std::size_t i = 0; i < ours.size(); ++i) {
    CHECK(ours[i].abs().sum().item<double>() > 0);
    CHECK(close(ours[i], theirs[i], 1e-4, 1e-5));
  }
}

TEST_CASE("Where fusing does not apply, fused batch norm and ReLU are the operations apart, bit for bit", "[batch_norm_relu]") {
  at::manual_seed(9);
  const auto v = variant();
  auto x = last(at::randn({4, 3, 8, 8}));
  const auto residual = v.residual ? at::randn({4, 3, 8, 8}) : at::Tensor();
  auto [ours, theirs] = twin_batch_norms(torch::nn::BatchNorm2dOptions(3));
  const auto exactly_apart = [&](const at::Tensor& input) {
    auto y = theirs->forward(input);
    if (residual.defined()) y = y + residual;
    return v.slope == 0 ? y.relu_() : at::leaky_relu_(y, v.slope);
  };
  bool fallback = false;  // Catch2 may run the case once more with none of these sections: nothing to check then
  SECTION("evaluation mode: the running statistics") {
    ours->eval();
    theirs->eval();
    fallback = true;
  }
  SECTION("contiguous (NCHW) memory") { x = x.contiguous(), fallback = true; }
  SECTION("neither contiguous nor channels-last: a transposed view") { x = x.contiguous().transpose(2, 3), fallback = true; }
  SECTION("one value per channel: batch norm's own error") {
    x = last(at::randn({1, 3, 1, 1}));
    CHECK_THROWS(fused(x, ours, residual.defined() ? at::randn({1, 3, 1, 1}) : residual, v.slope));
  }
  if (!fallback) return;
  CHECK(fused(x, ours, residual, v.slope).equal(exactly_apart(x)));
  CHECK(ours->running_mean.equal(theirs->running_mean));
}

TEST_CASE("Fused batch norm and ReLU refuse a negative slope and a missing residual", "[batch_norm_relu]") {
  auto norm = twin_batch_norms(torch::nn::BatchNorm2dOptions(3)).first;
  const auto x = last(at::randn({4, 3, 8, 8}));
  CHECK_THROWS_WITH(gcbench::batch_norm_relu(x, norm, -0.1), Catch::Contains("negative_slope is -0.1"));
  CHECK_THROWS_WITH(gcbench::batch_norm_add_relu(x, norm, at::Tensor()), Catch::Contains("residual is an undefined tensor"));
}
