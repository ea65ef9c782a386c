// gcbench::InputProduct: the matrix product by which a network's input enters
// it, found from the autograd graph, and the backward passes that stop there.
#include <ATen/ATen.h>
#include <catch2/catch.hpp>

#include "gcbench/sdk/architecture.hpp"
#include "gcbench/sdk/backward_passes.hpp"
#include "gcbench/sdk/input_product.hpp"
#include "support/plugin_options.hpp"

namespace {

// flatten, a fully connected layer with bias, tanh, and a second layer: R^{2x3x4} -> R^5.
struct TwoLayers {
  at::Tensor first = at::randn({24, 7}, at::kDouble), bias = at::randn({7}, at::kDouble), second = at::randn({7, 5}, at::kDouble);
  at::Tensor operator()(const at::Tensor& x) const { return at::tanh(at::addmm(bias, x.flatten(1), first)).mm(second); }
};

// The product found for f on a leaf batch of `batch` inputs of `shape`.
std::optional<gcbench::InputProduct> found_for(const gcbench::EmbeddingFunction& f, std::vector<std::int64_t> shape,
                                               std::int64_t batch = 3) {
  shape.insert(shape.begin(), batch);
  const auto inputs = at::randn(shape, at::kDouble).requires_grad_(true);
  return gcbench::InputProduct::find(f(inputs), inputs);
}

}  // namespace

TEST_CASE("InputProduct finds a fully connected first layer, and its Gram matrix is A^T A", "[sdk][input_product]") {
  at::manual_seed(3);
  const TwoLayers f;
  for (const std::int64_t batch : {2, 3, 10}) {  // fewer rows than width: G takes several passes
    const auto inputs = at::randn({batch, 2, 3, 4}, at::kDouble).requires_grad_(true);
    const auto outputs = f(inputs);
    const auto product = gcbench::InputProduct::find(outputs, inputs);
    REQUIRE(product);
    CHECK(product->width() == 7);
    CHECK(product->features() == 24);
    CHECK(at::allclose(product->gram(), f.first.t().mm(f.first), 1e-12, 1e-12));
  }
}

TEST_CASE("InputProduct finds nothing where the input does not enter through one product alone", "[sdk][input_product]") {
  at::manual_seed(4);
  const TwoLayers two_layers;
  const auto weight = two_layers.first;
  SECTION("the input also reaches the output another way") {
    const gcbench::EmbeddingFunction f = [&](const at::Tensor& x) { return two_layers(x) + x.flatten(1).sum(1, true); };
    CHECK_FALSE(found_for(f, {2, 3, 4}));
  }
  SECTION("the input is scaled before the product") {
    const gcbench::EmbeddingFunction f = [&](const at::Tensor& x) { return two_layers(x * 2.0); };
    CHECK_FALSE(found_for(f, {2, 3, 4}));
  }
  SECTION("the input is its right operand") {
    const gcbench::EmbeddingFunction f = [](const at::Tensor& x) { return at::eye(x.size(0), x.options()).mm(x.flatten(1)); };
    CHECK_FALSE(found_for(f, {2, 3, 4}));
  }
  SECTION("a convolution comes first") {
    const auto kernel = at::randn({2, 2, 3, 3}, at::kDouble);
    const gcbench::EmbeddingFunction f = [&](const at::Tensor& x) { return at::conv2d(x, kernel).flatten(1); };
    CHECK_FALSE(found_for(f, {2, 5, 5}));
  }
  SECTION("the product's rows are not the examples") {
    const auto quarter = at::randn({6, 3}, at::kDouble);
    const gcbench::EmbeddingFunction f = [&](const at::Tensor& x) {
      return x.reshape({-1, 6}).mm(quarter).reshape({x.size(0), -1});
    };
    CHECK_FALSE(found_for(f, {2, 3, 4}));
  }
}

TEST_CASE("a backward pass stopped at the input product gives the input gradients' squared norms through G",
          "[sdk][input_product][backward_passes]") {
  at::manual_seed(5);
  const TwoLayers f;
  const std::int64_t batch = 4, seeds = 5, copies = 2;
  const auto inputs = at::randn({batch, 2, 3, 4}, at::kDouble);
  const auto rows = at::randn({seeds * batch, 5}, at::kDouble);
  gcbench::BackwardPasses whole(f, inputs, seeds, copies), stopped(f, inputs, seeds, copies);
  const auto product = gcbench::InputProduct::find(stopped.outputs(), stopped.inputs());
  REQUIRE(product);
  const auto gram = product->gram();
  while (!whole.done()) {
    const auto taken = rows.slice(0, whole.seeds_taken() * batch, (whole.seeds_taken() + whole.next_count()) * batch);
    const auto input_gradients = whole.next(taken);
    const auto at_product = stopped.next_at(taken, product->output_edge());
    CHECK(at_product.sizes() == at::IntArrayRef{taken.size(0), 7});
    CHECK(at::allclose(at_product.mm(gram).mul(at_product).sum(1), input_gradients.square().flatten(1).sum(1), 1e-10));
  }
  CHECK(stopped.passes_taken() == whole.passes_taken());
}

TEST_CASE("a pass stops at the input product when that product is f's last operation", "[sdk][input_product]") {
  at::manual_seed(7);
  const auto weight = at::randn({12, 5}, at::kDouble);
  const gcbench::EmbeddingFunction f = [&weight](const at::Tensor& x) { return x.flatten(1).mm(weight); };
  const auto inputs = at::randn({3, 3, 4}, at::kDouble);
  gcbench::BackwardPasses passes(f, inputs, 1, 1);
  const auto product = gcbench::InputProduct::find(passes.outputs(), passes.inputs());
  REQUIRE(product);
  CHECK(at::allclose(product->gram(), weight.t().mm(weight), 1e-12, 1e-12));
  const auto seeds = at::randn({3, 5}, at::kDouble);
  CHECK(at::equal(passes.next_at(seeds, product->output_edge()), seeds));  // dL/dh is the seed itself
}

TEST_CASE("InputProduct finds the mlp architecture's first layer, and stops there only when it pays", "[sdk][input_product]") {
  at::manual_seed(6);
  const auto network = gcbench::testing::bundled_plugins()
                           .create_architecture("mlp", gcbench::testing::options_for(gcbench::PluginKind::architecture, "mlp"))
                           ->build({3, 32, 32}, 10);
  network.embedding->eval();
  const auto inputs = at::randn({256, 3, 32, 32}).requires_grad_(true);  // 4 copies of 64 images, as exact sends them
  const auto product = gcbench::InputProduct::find(network.embedding->forward(inputs), inputs);
  REQUIRE(product);
  CHECK(product->width() == 256);
  CHECK(product->features() == 3072);
  // Each seed row saves 256 x 2816 multiply-adds; G costs 512 x 256 x 3072 of them.
  CHECK(product->pays(64 * 64));
  CHECK_FALSE(product->pays(512));
}
