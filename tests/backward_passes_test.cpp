// gcbench::BackwardPasses, the SDK's one forward for many backward passes,
// against plain autograd: one seed, one forward, one gradient.
#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/variable.h>
#include <catch2/catch.hpp>

#include <vector>

#include "gcbench/sdk/backward_passes.hpp"

namespace {

// A small non-linear embedding, R^{2x3} -> R^4, that counts its forward passes.
struct CountedEmbedding {
  at::Tensor weight = at::randn({6, 4}, at::kDouble);
  int forwards = 0;
  gcbench::EmbeddingFunction function() {
    return [this](const at::Tensor& x) {
      ++forwards;
      return at::tanh(x.flatten(1).matmul(weight));
    };
  }
};

// The input gradient of one seed's output gradient, from a forward of its own.
at::Tensor alone(const gcbench::EmbeddingFunction& f, const at::Tensor& inputs, const at::Tensor& seed) {
  const auto x = inputs.detach().requires_grad_(true);
  return torch::autograd::grad({f(x)}, {x}, {seed})[0];
}

}  // namespace

TEST_CASE("copies_to_fill replicates a batch until a pass holds images_per_pass examples", "[sdk][backward_passes]") {
  SECTION("a small batch is copied until the pass is full") { CHECK(gcbench::copies_to_fill(4, 16, 8, 64) == 4); }
  SECTION("a partial copy counts as a whole one") { CHECK(gcbench::copies_to_fill(5, 16, 8, 64) == 4); }
  SECTION("a batch that fills a pass alone is not copied") { CHECK(gcbench::copies_to_fill(64, 16, 8, 64) == 1); }
  SECTION("never more copies than most_copies") { CHECK(gcbench::copies_to_fill(1, 16, 8, 64) == 8); }
  SECTION("never more copies than seeds to take") { CHECK(gcbench::copies_to_fill(1, 16, 8, 3) == 3); }
}

TEST_CASE("BackwardPasses gives each seed the input gradient a forward of its own would, from one forward",
          "[sdk][backward_passes]") {
  at::manual_seed(11);
  CountedEmbedding embedding;
  const auto f = embedding.function();
  const std::int64_t batch = 3, seeds = 5, copies = 2;  // 3 passes, the last with one copy unseeded
  const auto inputs = at::randn({batch, 2, 3}, at::kDouble);
  const auto rows = at::randn({seeds * batch, 4}, at::kDouble);

  gcbench::BackwardPasses passes(f, inputs, seeds, copies);
  REQUIRE(passes.outputs().size(0) == copies * batch);
  std::vector<at::Tensor> gradients;
  while (!passes.done()) {
    const auto first = passes.seeds_taken(), count = passes.next_count();
    const auto grad = passes.next(rows.slice(0, first * batch, (first + count) * batch));
    REQUIRE(grad.size(0) == count * batch);
    gradients.push_back(grad);
  }
  CHECK(embedding.forwards == 1);
  CHECK(passes.passes_taken() == 3);
  const auto all = at::cat(gradients);
  for (std::int64_t s = 0; s < seeds; ++s) {
    INFO("seed " << s);
    const auto block = [&](const at::Tensor& t) { return t.slice(0, s * batch, (s + 1) * batch); };
    CHECK(at::allclose(block(all), alone(f, inputs, block(rows)), 1e-12, 1e-12));
  }
}

TEST_CASE("BackwardPasses with create_graph leaves gradients that differentiate again", "[sdk][backward_passes]") {
  at::manual_seed(12);
  CountedEmbedding embedding;
  embedding.weight.requires_grad_(true);
  const auto inputs = at::randn({2, 2, 3}, at::kDouble);
  gcbench::BackwardPasses passes(embedding.function(), inputs, 3, 2, /*create_graph=*/true);
  at::Tensor total = at::zeros({}, at::kDouble);
  while (!passes.done()) {
    const auto rows = at::ones({passes.next_count() * 2, 4}, at::kDouble);
    total = total + passes.next(rows).square().sum();
  }
  const auto weight_gradient = torch::autograd::grad({total}, {embedding.weight})[0];
  CHECK(weight_gradient.abs().sum().item<double>() > 0);
}

TEST_CASE("BackwardPasses refuses rows that are not the next seeds', and a pass after the last", "[sdk][backward_passes]") {
  CountedEmbedding embedding;
  const auto inputs = at::randn({2, 2, 3}, at::kDouble);
  gcbench::BackwardPasses passes(embedding.function(), inputs, 1, 1);
  CHECK_THROWS_WITH(passes.next(at::ones({3, 4}, at::kDouble)), Catch::Contains("takes 1 seeds of 2 rows"));
  passes.next(at::ones({2, 4}, at::kDouble));
  CHECK(passes.done());
  CHECK_THROWS_WITH(passes.next(at::ones({2, 4}, at::kDouble)), Catch::Contains("after the last seed"));
  CHECK_THROWS_WITH(gcbench::BackwardPasses(embedding.function(), inputs, 0, 1), Catch::Contains("at least one"));
}

TEST_CASE("BackwardPasses::next_at refuses an edge that is not in f's graph", "[sdk][backward_passes]") {
  CountedEmbedding embedding;
  const auto inputs = at::randn({2, 2, 3}, at::kDouble);
  gcbench::BackwardPasses passes(embedding.function(), inputs, 1, 1);
  const auto elsewhere = at::randn({2, 4}, at::kDouble).requires_grad_(true);
  const auto other_graph = elsewhere.tanh();
  CHECK_THROWS_WITH(passes.next_at(at::ones({2, 4}, at::kDouble), torch::autograd::impl::gradient_edge(other_graph)),
                    Catch::Contains("not on the way from f's outputs"));
}
