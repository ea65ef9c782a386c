// gcbench::max_pool_2x2 stands in for torch::nn::MaxPool2d(2) in the bundled
// architectures, so it must be that, bit for bit: values, the indices its
// gradient follows, and the gradient of its gradient (a GC penalty's).
#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>
#include <catch2/catch.hpp>

#include <limits>

#include "gcbench/sdk/max_pool.hpp"

namespace {

struct Pooled {
  at::Tensor values;
  at::Tensor gradient;
};

// The pool's values, and the gradient a fixed weighting of them sends back to the input.
template <typename Pool>
Pooled pool_and_gradient(const at::Tensor& input, Pool pool) {
  const auto x = input.detach().clone().requires_grad_(true);
  const auto y = pool(x);
  const auto weights = at::arange(y.numel(), y.options()).reshape(y.sizes()).remainder(7).add(1);
  const auto gradient = torch::autograd::grad({y}, {x}, {weights})[0];
  return {y.detach(), gradient};
}

void require_same_as_max_pool2d(const at::Tensor& input) {
  const auto ours = pool_and_gradient(input, [](const at::Tensor& x) { return gcbench::max_pool_2x2(x); });
  const auto theirs = pool_and_gradient(input, [](const at::Tensor& x) { return at::max_pool2d(x, {2, 2}); });
  REQUIRE(ours.values.sizes() == theirs.values.sizes());
  CHECK(ours.values.equal(theirs.values));  // NaN-free inputs
  CHECK(ours.gradient.equal(theirs.gradient));
}

}  // namespace

TEST_CASE("The 2x2 max-pool gives MaxPool2d(2)'s values and gradients, bit for bit", "[max_pool]") {
  at::manual_seed(3);
  SECTION("a batch of even-sized float planes") { require_same_as_max_pool2d(at::randn({4, 3, 8, 10})); }
  SECTION("odd heights and widths, whose last row and column are left out") {
    require_same_as_max_pool2d(at::randn({2, 3, 7, 5}));
  }
  SECTION("one image without a batch dimension") { require_same_as_max_pool2d(at::randn({3, 6, 6})); }
  SECTION("double precision") { require_same_as_max_pool2d(at::randn({2, 2, 6, 6}, at::kDouble)); }
  SECTION("ties, which the first maximum in row order wins") {
    require_same_as_max_pool2d(at::randint(0, 3, {4, 4, 8, 8}).to(at::kFloat));
  }
  SECTION("infinities, and windows of -inf only") {
    auto x = at::randn({2, 2, 6, 6});
    x.index_put_({0, 0}, -std::numeric_limits<float>::infinity());
    x.index_put_({1, 1, 0, 0}, std::numeric_limits<float>::infinity());
    require_same_as_max_pool2d(x);
  }
  SECTION("a batch large enough to be split across threads") { require_same_as_max_pool2d(at::randn({16, 64, 32, 32})); }
  SECTION("wide rows, longer than one block of windows") { require_same_as_max_pool2d(at::randn({1, 2, 4, 1030})); }
}

TEST_CASE("The 2x2 max-pool lets a NaN win its window, as MaxPool2d does", "[max_pool]") {
  auto x = at::randn({1, 1, 4, 4});
  const float nan = std::numeric_limits<float>::quiet_NaN();
  x.index_put_({0, 0, 0, 1}, nan);  // window (0, 0): one NaN
  x.index_put_({0, 0, 2, 2}, nan);  // window (1, 1): two NaNs, the last one wins
  x.index_put_({0, 0, 3, 3}, nan);
  const auto ours = pool_and_gradient(x, [](const at::Tensor& t) { return gcbench::max_pool_2x2(t); });
  const auto theirs = pool_and_gradient(x, [](const at::Tensor& t) { return at::max_pool2d(t, {2, 2}); });
  CHECK(ours.values.isnan().equal(theirs.values.isnan()));
  CHECK(ours.values.nan_to_num(0).equal(theirs.values.nan_to_num(0)));
  CHECK(ours.gradient.equal(theirs.gradient));
  CHECK(ours.gradient[0][0][3][3].item<float>() != 0.0f);
}

TEST_CASE("The 2x2 max-pool's double backward, a GC penalty's, equals MaxPool2d's", "[max_pool]") {
  at::manual_seed(5);
  const auto images = at::randn({3, 2, 8, 8});
  const auto probe = at::randn({3, 2 * 4 * 4});
  const auto weight = at::randn({2, 2, 3, 3});
  auto penalty_gradient = [&](auto pool) {
    const auto w = weight.clone().requires_grad_(true);
    const auto x = images.clone().requires_grad_(true);
    const auto z = pool(at::conv2d(x, w, {}, 1, 1)).relu().flatten(1);
    const auto input_gradient = torch::autograd::grad({z}, {x}, {probe}, /*retain_graph=*/true, /*create_graph=*/true)[0];
    return torch::autograd::grad({input_gradient.pow(2).sum()}, {w})[0];
  };
  const auto ours = penalty_gradient([](const at::Tensor& t) { return gcbench::max_pool_2x2(t); });
  const auto theirs = penalty_gradient([](const at::Tensor& t) { return at::max_pool2d(t, {2, 2}); });
  CHECK(ours.abs().sum().item<float>() > 0.0f);
  CHECK(ours.equal(theirs));
}

TEST_CASE("Tensors the 2x2 max-pool does not cover go to at::max_pool2d", "[max_pool]") {
  at::manual_seed(7);
  SECTION("channels-last") { require_same_as_max_pool2d(at::randn({2, 4, 6, 6}).contiguous(at::MemoryFormat::ChannelsLast)); }
  SECTION("a transposed, non-contiguous view") { require_same_as_max_pool2d(at::randn({2, 3, 6, 8}).transpose(2, 3)); }
  SECTION("bfloat16") {
    const auto x = at::randn({1, 2, 4, 4}).to(at::kBFloat16);
    CHECK(gcbench::max_pool_2x2(x).equal(at::max_pool2d(x, {2, 2})));
  }
}
