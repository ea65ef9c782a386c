// gcbench::batch_norm_max_pool_relu stands in for BatchNorm2d, the 2x2 max-pool
// and ReLU in conv4: the same outputs, running statistics and gradients (of
// first and second order) as the three apart, to float rounding.
#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <catch2/catch.hpp>

#include "gcbench/sdk/batch_norm_pool.hpp"
#include "gcbench/sdk/max_pool.hpp"
#include "support/twin_batch_norms.hpp"

using gcbench::testing::close;
using gcbench::testing::twin_batch_norms;

namespace {

at::Tensor apart(const at::Tensor& x, torch::nn::BatchNorm2d& norm) { return at::max_pool2d(norm->forward(x), {2, 2}).relu(); }

}  // namespace

TEST_CASE("Fused batch norm, max-pool and ReLU give the three apart's outputs and running statistics", "[batch_norm_pool]") {
  at::manual_seed(5);
  // absolute: a float's rounding of x, times |mean| / std, survives normalising (in either).
  const auto check = [](const at::Tensor& x, torch::nn::BatchNorm2dOptions options, double absolute = 1e-6) {
    auto [fused, separate] = twin_batch_norms(options, x.scalar_type());
    for (int call = 0; call < 3; ++call) {  // the running statistics move three times
      const auto ours = gcbench::batch_norm_max_pool_relu(x + call, fused);
      // The three apart in contiguous memory, whatever x's layout: LibTorch's
      // channels-last batch norm sums in float (3e-5 off a double reference on
      // [64, 16, 32, 32], where the fused and the contiguous are within 6e-7).
      const auto theirs = apart((x + call).contiguous(), separate);
      CHECK(close(ours, theirs, 1e-5, absolute));
      CHECK(ours.is_contiguous(x.suggest_memory_format()));  // the next layer gets the layout it gave
      CHECK(close(fused->running_mean, separate->running_mean));
      CHECK(close(fused->running_var, separate->running_var));
      CHECK(fused->num_batches_tracked.item<std::int64_t>() == separate->num_batches_tracked.item<std::int64_t>());
    }
  };
  SECTION("even planes") { check(at::randn({8, 6, 16, 16}), torch::nn::BatchNorm2dOptions(6)); }
  SECTION("odd planes lose their last row and column") { check(at::randn({4, 3, 7, 9}), torch::nn::BatchNorm2dOptions(3)); }
  SECTION("double") { check(at::randn({4, 3, 8, 8}, at::kDouble), torch::nn::BatchNorm2dOptions(3)); }
  SECTION("a mean far from zero") { check(at::randn({4, 3, 8, 8}).add(50.0), torch::nn::BatchNorm2dOptions(3), 50 * 1e-6); }
  SECTION("no momentum: a cumulative average") {
    check(at::randn({4, 3, 8, 8}), torch::nn::BatchNorm2dOptions(3).momentum(c10::nullopt));
  }
  SECTION("many planes, so several threads") { check(at::randn({64, 16, 32, 32}), torch::nn::BatchNorm2dOptions(16)); }
  SECTION("channels-last memory") {
    const auto last = [](const at::Tensor& x) { return x.contiguous(at::MemoryFormat::ChannelsLast); };
    SECTION("even planes") { check(last(at::randn({8, 6, 16, 16})), torch::nn::BatchNorm2dOptions(6)); }
    SECTION("odd planes") { check(last(at::randn({4, 3, 7, 9})), torch::nn::BatchNorm2dOptions(3)); }
    SECTION("double") { check(last(at::randn({4, 3, 8, 8}, at::kDouble)), torch::nn::BatchNorm2dOptions(3)); }
    SECTION("a mean far from zero") {
      check(last(at::randn({4, 3, 8, 8}).add(50.0)), torch::nn::BatchNorm2dOptions(3), 50 * 1e-6);
    }
    SECTION("more channels than a block of windows") {
      check(last(at::randn({2, 300, 4, 6})), torch::nn::BatchNorm2dOptions(300));
    }
    SECTION("many pixels, so several threads") { check(last(at::randn({64, 16, 32, 32})), torch::nn::BatchNorm2dOptions(16)); }
  }
}

// In channels-last memory, with no graph of the backward asked for, the
// gradients come from the fused backward kernel; otherwise from LibTorch's three.
TEST_CASE("Fused batch norm, max-pool and ReLU send back the three apart's gradients", "[batch_norm_pool]") {
  at::manual_seed(6);
  auto shape = std::vector<std::int64_t>{8, 4, 10, 10};
  auto type = at::kFloat;
  double shift = 0, relative = 1e-4;
  auto layout = at::MemoryFormat::Contiguous;
  SECTION("contiguous") {}
  SECTION("channels-last") {
    layout = at::MemoryFormat::ChannelsLast;
    SECTION("even planes") {}
    SECTION("odd planes: the last row and column get batch norm's gradient alone") { shape = {4, 5, 7, 9}; }
    SECTION("double") { type = at::kDouble; }
    SECTION("a mean far from zero") { shift = 50; }
    SECTION("more channels than a vector, so a remainder loop") { shape = {2, 37, 6, 6}; }
    SECTION("many pixels, so several threads") { shape = {32, 16, 32, 32}; }
  }
  const auto channels = shape[1];
  const auto input = at::randn(shape, at::TensorOptions(type)).add(shift).contiguous(layout);
  const auto upstream = at::randn({shape[0], channels, shape[2] / 2, shape[3] / 2}, at::TensorOptions(type));
  auto [fused, separate] = twin_batch_norms(torch::nn::BatchNorm2dOptions(channels), type);
  const auto gradients = [&](torch::nn::BatchNorm2d& norm, bool fuse) {
    const auto x = (fuse ? input.clone() : input.contiguous()).requires_grad_(true);  // the three apart: see above
    const auto y = fuse ? gcbench::batch_norm_max_pool_relu(x, norm) : apart(x, norm);
    return torch::autograd::grad({y}, {x, norm->weight, norm->bias}, {upstream});
  };
  const auto ours = gradients(fused, true), theirs = gradients(separate, false);
  REQUIRE(ours[0].is_contiguous(layout));
  for (std::size_t i = 0; i < ours.size(); ++i) CHECK(close(ours[i], theirs[i], relative, 1e-6 * (1 + shift)));
}

TEST_CASE("The fused backward's gradients repeat to the bit whatever the thread count", "[batch_norm_pool]") {
  at::manual_seed(9);
  const auto input = at::randn({32, 16, 32, 32}).contiguous(at::MemoryFormat::ChannelsLast);
  const auto upstream = at::randn({32, 16, 16, 16});
  const auto gradients_at = [&](int threads) {
    const int before = at::get_num_threads();
    at::set_num_threads(threads);
    auto norm = twin_batch_norms(torch::nn::BatchNorm2dOptions(16)).first;
    const auto x = input.clone().requires_grad_(true);
    auto g = torch::autograd::grad({gcbench::batch_norm_max_pool_relu(x, norm)}, {x, norm->weight, norm->bias}, {upstream});
    at::set_num_threads(before);
    return g;
  };
  const auto one = gradients_at(1), two = gradients_at(2);
  for (std::size_t i = 0; i < one.size(); ++i) CHECK(at::equal(one[i], two[i]));
}

TEST_CASE("A GC penalty's double backward through the fused operation is the three apart's", "[batch_norm_pool]") {
  at::manual_seed(7);
  auto input = at::randn({6, 3, 8, 8});
  SECTION("contiguous") {}
  SECTION("channels-last") { input = input.contiguous(at::MemoryFormat::ChannelsLast); }
  const auto probe = at::randint(0, 2, {6, 4, 4, 4}).mul(2).sub(1).to(at::kFloat);  // Rademacher, as Hutchinson's
  const auto penalty_gradients = [&](bool fuse) {
    at::manual_seed(8);
    torch::nn::Conv2d conv(torch::nn::Conv2dOptions(3, 4, 3).padding(1));
    auto norm = twin_batch_norms(torch::nn::BatchNorm2dOptions(4)).first;
    const auto x = (fuse ? input.clone() : input.contiguous()).requires_grad_(true);
    const auto features = conv->forward(x);
    REQUIRE(features.is_contiguous(x.suggest_memory_format()));  // so the fused path is the one for that layout
    const auto y = fuse ? gcbench::batch_norm_max_pool_relu(features, norm) : apart(features, norm);
    const auto input_gradient = torch::autograd::grad({y}, {x}, {probe}, /*retain_graph=*/true, /*create_graph=*/true)[0];
    const auto penalty = input_gradient.pow(2).sum() + y.sum();
    return torch::autograd::grad({penalty}, {conv->weight, norm->weight, norm->bias});
  };
  const auto ours = penalty_gradients(true), theirs = penalty_gradients(false);
  for (std::size_t i = 0; i < ours.size(); ++i) {
    CHECK(ours[i].abs().sum().item<double>() > 0);
    CHECK(close(ours[i], theirs[i], 1e-4, 1e-5));
  }
}

TEST_CASE("Where fusing does not apply, the fused operation is the three apart, bit for bit", "[batch_norm_pool]") {
  at::manual_seed(9);
  const auto x = at::randn({4, 3, 8, 8});
  auto [fused, separate] = twin_batch_norms(torch::nn::BatchNorm2dOptions(3));
  SECTION("evaluation mode: the running statistics") {
    fused->eval();
    separate->eval();
    CHECK(gcbench::batch_norm_max_pool_relu(x, fused).equal(gcbench::max_pool_2x2(separate->forward(x)).relu()));
  }
  SECTION("a channel count the norm was not made for: batch norm's own error") {
    CHECK_THROWS(gcbench::batch_norm_max_pool_relu(at::randn({4, 5, 8, 8}), fused));
  }
  SECTION("neither contiguous nor channels-last: a transposed view") {
    const auto transposed = x.transpose(2, 3);
    CHECK(
        gcbench::batch_norm_max_pool_relu(transposed, fused).equal(gcbench::max_pool_2x2(separate->forward(transposed)).relu()));
    CHECK(fused->running_mean.equal(separate->running_mean));
  }
}
