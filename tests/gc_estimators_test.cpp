#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>
#include <catch2/catch.hpp>

#include "gcbench/sdk/architecture.hpp"
#include "gcbench/sdk/gc_estimator.hpp"
#include "gcbench/sdk/seeded_random.hpp"
#include "support/plugin_options.hpp"

namespace {

const gcbench::PluginRegistry& registry() { return gcbench::testing::bundled_plugins(); }

gcbench::Options options_of(const std::string& name, std::map<std::string, gcbench::OptionValue> given = {}) {
  return gcbench::testing::options_for(gcbench::PluginKind::gc_estimator, name, std::move(given));
}

// conv4 at its defaults, seeded, in evaluation mode: a real network for the schedules' tests.
gcbench::Network conv4_in_eval() {
  at::manual_seed(0);
  auto network = registry()
                     .create_architecture("conv4", gcbench::testing::options_for(gcbench::PluginKind::architecture, "conv4"))
                     ->build({3, 32, 32}, 10);
  network.embedding->eval();
  return network;
}

// A linear embedding x -> W x: its Jacobian is W at every x, so GC = ||W||_F^2.
struct LinearEmbedding {
  at::Tensor weight;
  at::Tensor operator()(const at::Tensor& x) const { return x.flatten(1).matmul(weight.t()); }
};

// The backward passes `estimator` takes for a batch of `batch` random inputs of f's width.
std::int64_t backward_passes(const std::string& estimator, const LinearEmbedding& f, std::int64_t batch,
                             std::map<std::string, gcbench::OptionValue> given) {
  return registry()
      .create_gc_estimator(estimator, options_of(estimator, std::move(given)))
      ->estimate(f, at::randn({batch, f.weight.size(1)}, at::kDouble), 0)
      .backward_passes;
}

}  // namespace

TEST_CASE("exact gives ||W||_F^2 for a linear embedding", "[gc]") {
  const LinearEmbedding f{at::randn({6, 16}, at::kDouble)};
  const auto inputs = at::randn({10, 1, 4, 4}, at::kDouble);
  const double expected = f.weight.pow(2).sum().item<double>();

  SECTION("all directions in one pass") {
    auto exact = registry().create_gc_estimator(
        "exact", options_of("exact", {{"directions_per_pass", std::int64_t{8}}, {"images_per_pass", std::int64_t{80}}}));
    const auto estimate = exact->estimate(f, inputs, 0);
    CHECK(estimate.value == Catch::Detail::Approx(expected).epsilon(1e-12));
    CHECK(estimate.backward_passes == 1);
    CHECK_FALSE(estimate.standard_error.has_value());
    REQUIRE(estimate.per_example.size() == 10);
    for (double value : estimate.per_example) CHECK(value == Catch::Detail::Approx(expected).epsilon(1e-12));
  }
  SECTION("directions split over several passes") {
    auto exact = registry().create_gc_estimator(
        "exact", options_of("exact", {{"directions_per_pass", std::int64_t{4}}, {"images_per_pass", std::int64_t{40}}}));
    const auto estimate = exact->estimate(f, inputs, 0);
    CHECK(estimate.value == Catch::Detail::Approx(expected).epsilon(1e-12));
    CHECK(estimate.backward_passes == 2);
  }
  SECTION("one direction a pass, as an autograd loop over the outputs") {
    auto exact = registry().create_gc_estimator("exact", options_of("exact", {{"directions_per_pass", std::int64_t{1}}}));
    const auto estimate = exact->estimate(f, inputs, 0);
    CHECK(estimate.value == Catch::Detail::Approx(expected).epsilon(1e-12));
    CHECK(estimate.backward_passes == 6);
  }
}

TEST_CASE("exact replicates a batch only until a pass holds images_per_pass images", "[gc]") {
  const LinearEmbedding f{at::randn({64, 12}, at::kDouble)};
  const auto passes = [&](std::int64_t batch, std::map<std::string, gcbench::OptionValue> given) {
    given.emplace("images_per_pass", std::int64_t{16});
    return backward_passes("exact", f, batch, std::move(given));
  };
  CHECK(passes(64, {}) == 64);  // a batch that fills a pass: one direction a pass
  CHECK(passes(16, {}) == 64);
  CHECK(passes(10, {}) == 32);  // 2 copies hold 20 images
  CHECK(passes(4, {}) == 16);   // 4 copies
  CHECK(passes(1, {}) == 16);   // 16 would fill a pass; directions_per_pass allows 4
  CHECK(passes(1, {{"directions_per_pass", std::int64_t{16}}}) == 4);
  CHECK(passes(64, {{"images_per_pass", std::int64_t{256}}}) == 16);
}

TEST_CASE("exact fills a pass with 256 images where the network has no convolution, 16 where it has", "[gc]") {
  SECTION("matrix products alone") {
    const LinearEmbedding f{at::randn({64, 12}, at::kDouble)};
    CHECK(backward_passes("exact", f, 64, {}) == 16);   // 4 copies hold 256 images
    CHECK(backward_passes("exact", f, 128, {}) == 32);  // 2 copies
    CHECK(backward_passes("exact", f, 256, {}) == 64);  // the batch fills a pass
  }
  SECTION("a convolution") {
    const auto weight = at::randn({4, 1, 3, 3}, at::kDouble);
    const gcbench::EmbeddingFunction f = [&weight](const at::Tensor& x) { return at::conv2d(x, weight).flatten(1); };
    const auto estimate =
        registry().create_gc_estimator("exact", options_of("exact"))->estimate(f, at::randn({8, 1, 4, 4}, at::kDouble), 0);
    CHECK(estimate.backward_passes == 8);  // 16 outputs, 2 copies of 8 images a pass
  }
}

TEST_CASE("exact gives the same GC on mlp, its passes stopped at the first layer, as the autograd loop", "[gc]") {
  at::manual_seed(0);
  auto network = registry()
                     .create_architecture("mlp", gcbench::testing::options_for(gcbench::PluginKind::architecture, "mlp"))
                     ->build({3, 32, 32}, 10);
  network.embedding->eval();
  const gcbench::EmbeddingFunction f = [&network](const at::Tensor& x) { return network.embedding->forward(x); };
  const auto inputs = at::randn({64, 3, 32, 32});
  const auto chosen = registry().create_gc_estimator("exact", options_of("exact"))->estimate(f, inputs, 0);
  const auto loop =
      registry()
          .create_gc_estimator("exact",
                               options_of("exact", {{"directions_per_pass", std::int64_t{1}}, {"through_input_product", false}}))
          ->estimate(f, inputs, 0);
  CHECK(chosen.backward_passes == 16);  // 64 outputs, 4 copies of 64 images a pass
  CHECK(loop.backward_passes == 64);
  CHECK(chosen.value == Catch::Detail::Approx(loop.value).epsilon(1e-6));
  for (std::size_t i = 0; i < loop.per_example.size(); ++i) {
    CHECK(chosen.per_example[i] == Catch::Detail::Approx(loop.per_example[i]).epsilon(1e-6));
  }
}

// The schedules reorder float32 arithmetic on a real network; the bar is 1e-6 relative.
TEST_CASE("exact gives the same GC on conv4 whatever its schedule", "[gc]") {
  auto network = conv4_in_eval();
  const gcbench::EmbeddingFunction f = [&network](const at::Tensor& x) { return network.embedding->forward(x); };
  const auto inputs = at::randn({6, 3, 32, 32});
  const auto with = [&](std::int64_t copies) {
    return registry()
        .create_gc_estimator("exact",
                             options_of("exact", {{"directions_per_pass", copies}, {"images_per_pass", std::int64_t{1} << 20}}))
        ->estimate(f, inputs, 0);
  };
  const auto loop = with(1);
  SECTION("the default schedule") {
    const auto chosen = registry().create_gc_estimator("exact", options_of("exact"))->estimate(f, inputs, 0);
    CHECK(chosen.backward_passes == 22);  // 6 images: 3 copies fill a pass of 16
    CHECK(chosen.value == Catch::Detail::Approx(loop.value).epsilon(1e-6));
  }
  for (const std::int64_t copies : {2, 4, 7, 64}) {
    DYNAMIC_SECTION(copies << " copies a pass") {
      const auto replicated = with(copies);
      CHECK(replicated.backward_passes == (64 + copies - 1) / copies);
      CHECK(replicated.value == Catch::Detail::Approx(loop.value).epsilon(1e-6));
      for (std::size_t i = 0; i < loop.per_example.size(); ++i) {
        CHECK(replicated.per_example[i] == Catch::Detail::Approx(loop.per_example[i]).epsilon(1e-6));
      }
    }
  }
}

TEST_CASE("exact matches a central finite-difference Jacobian of a tanh network", "[gc]") {
  const auto w1 = at::randn({12, 5}, at::kDouble), w2 = at::randn({3, 12}, at::kDouble);
  const auto f = [&](const at::Tensor& x) { return at::tanh(x.matmul(w1.t())).matmul(w2.t()); };
  const auto inputs = at::randn({4, 5}, at::kDouble);

  double finite_difference = 0.0;
  const double h = 1e-5;
  for (std::int64_t n = 0; n < 4; ++n) {
    for (std::int64_t i = 0; i < 5; ++i) {
      auto plus = inputs[n].clone().unsqueeze(0), minus = plus.clone();
      plus[0][i] += h;
      minus[0][i] -= h;
      finite_difference += ((f(plus) - f(minus)) / (2 * h)).pow(2).sum().item<double>();
    }
  }
  finite_difference /= 4;
  const auto estimate = registry().create_gc_estimator("exact", options_of("exact"))->estimate(f, inputs, 0);
  CHECK(estimate.value == Catch::Detail::Approx(finite_difference).epsilon(1e-4));
}

TEST_CASE("hutchinson falls within 3 standard errors of ||W||_F^2", "[gc]") {
  const LinearEmbedding f{at::randn({8, 12}, at::kDouble)};
  const auto inputs = at::randn({32, 12}, at::kDouble);
  const double expected = f.weight.pow(2).sum().item<double>();

  for (const std::string distribution : {"rademacher", "gaussian"}) {
    DYNAMIC_SECTION(distribution << " probes") {
      auto hutchinson =
          registry().create_gc_estimator("hutchinson", options_of("hutchinson", {{"probes", std::int64_t{16}},
                                                                                 {"probes_per_pass", std::int64_t{16}},
                                                                                 {"images_per_pass", std::int64_t{1} << 20},
                                                                                 {"distribution", distribution}}));
      const auto estimate = hutchinson->estimate(f, inputs, 42);
      REQUIRE(estimate.standard_error.has_value());
      CHECK(*estimate.standard_error > 0);
      CHECK(std::abs(estimate.value - expected) < 3 * *estimate.standard_error);
      CHECK(estimate.backward_passes == 1);
      SECTION("probes split over several passes estimate the same quantity") {
        auto chunked =
            registry().create_gc_estimator("hutchinson", options_of("hutchinson", {{"probes", std::int64_t{16}},
                                                                                   {"probes_per_pass", std::int64_t{5}},
                                                                                   {"images_per_pass", std::int64_t{1} << 20},
                                                                                   {"distribution", distribution}}));
        const auto split = chunked->estimate(f, inputs, 42);
        CHECK(split.backward_passes == 4);
        CHECK(std::abs(split.value - expected) < 3 * *split.standard_error);
      }
      SECTION("the same seed gives the same estimate") {
        CHECK(hutchinson->estimate(f, inputs, 42).value == estimate.value);
        CHECK(hutchinson->estimate(f, inputs, 43).value != estimate.value);
      }
    }
  }
}

TEST_CASE("hutchinson replicates a batch only until a pass holds images_per_pass images", "[gc]") {
  const LinearEmbedding f{at::randn({6, 12}, at::kDouble)};
  const auto passes = [&](std::int64_t batch, std::map<std::string, gcbench::OptionValue> given) {
    return backward_passes("hutchinson", f, batch, std::move(given));
  };
  CHECK(passes(64, {}) == 8);  // a batch that fills a pass: one probe a pass, one forward for all
  CHECK(passes(8, {}) == 8);
  CHECK(passes(4, {}) == 4);  // 2 copies hold 8 images
  CHECK(passes(3, {}) == 3);  // 3 copies; the last pass has two probes
  CHECK(passes(1, {}) == 1);  // 8 copies
  CHECK(passes(1, {{"probes_per_pass", std::int64_t{2}}}) == 4);
  CHECK(passes(64, {{"images_per_pass", std::int64_t{256}}}) == 2);
}

namespace {

// 1.0's algorithm, kept as the reference: each pass sends probes_per_pass
// copies of the batch forward again and draws those copies' probes.
at::Tensor hutchinson_1_0_probe_norms(const gcbench::EmbeddingFunction& f, const at::Tensor& inputs, std::uint64_t seed,
                                      std::int64_t probes, std::int64_t probes_per_pass, bool gaussian) {
  gcbench::SeededRandom random(seed);
  std::vector<at::Tensor> chunks;
  for (std::int64_t done = 0; done < probes; done += probes_per_pass) {
    const std::int64_t count = std::min(probes_per_pass, probes - done);
    const auto x = inputs.repeat({count, 1, 1, 1}).requires_grad_(true);
    const auto y = f(x);
    const auto v = gaussian ? random.normal(y.sizes(), y.options()) : random.rademacher(y.sizes(), y.options());
    const auto grad = torch::autograd::grad({y}, {x}, {v})[0];
    chunks.push_back(grad.pow(2).flatten(1).sum(1).view({count, inputs.size(0)}).to(at::kDouble));
  }
  return at::cat(chunks);
}

}  // namespace

// One forward for every pass changes which kernels run, not which probes: on a
// real network the estimate is 1.0's to float rounding (the bar, 1e-6).
TEST_CASE("hutchinson gives 1.0's estimate on conv4 whatever the copies a pass holds", "[gc]") {
  auto network = conv4_in_eval();
  const gcbench::EmbeddingFunction f = [&network](const at::Tensor& x) { return network.embedding->forward(x); };
  const auto inputs = at::randn({6, 3, 32, 32});
  for (const std::string distribution : {"rademacher", "gaussian"}) {
    for (const std::int64_t probes_per_pass : {8, 3}) {
      const auto reference = hutchinson_1_0_probe_norms(f, inputs, 11, 8, probes_per_pass, distribution == "gaussian").mean(0);
      for (const std::int64_t images_per_pass : {1, 12, 1 << 20}) {
        DYNAMIC_SECTION(distribution << ", at most " << probes_per_pass << " copies, passes of " << images_per_pass
                                     << " images") {
          const auto estimate =
              registry()
                  .create_gc_estimator("hutchinson", options_of("hutchinson", {{"probes_per_pass", probes_per_pass},
                                                                               {"images_per_pass", images_per_pass},
                                                                               {"distribution", distribution}}))
                  ->estimate(f, inputs, 11);
          CHECK(estimate.value == Catch::Detail::Approx(reference.mean().item<double>()).epsilon(1e-6));
          REQUIRE(estimate.per_example.size() == 6);
          for (std::int64_t i = 0; i < 6; ++i) {
            CHECK(estimate.per_example[i] == Catch::Detail::Approx(reference[i].item<double>()).epsilon(1e-6));
          }
        }
      }
    }
  }
}

TEST_CASE("hutchinson refuses an unknown probe distribution", "[gc]") {
  CHECK_THROWS_WITH(
      registry().create_gc_estimator("hutchinson", options_of("hutchinson", {{"distribution", std::string("uniform")}})),
      Catch::Contains("hutchinson") && Catch::Contains("rademacher"));
}

TEST_CASE("output_sampling is unbiased for ||W||_F^2 and exact when it samples every coordinate", "[gc]") {
  const LinearEmbedding f{at::randn({16, 12}, at::kDouble)};
  const auto inputs = at::randn({64, 12}, at::kDouble);
  const double expected = f.weight.pow(2).sum().item<double>();
  SECTION("4 of 16 coordinates") {
    const auto estimate =
        registry()
            .create_gc_estimator("output_sampling", options_of("output_sampling", {{"outputs", std::int64_t{4}}}))
            ->estimate(f, inputs, 5);
    REQUIRE(estimate.standard_error.has_value());
    CHECK(*estimate.standard_error > 0);
    CHECK(std::abs(estimate.value - expected) < 3 * *estimate.standard_error);
  }
  SECTION("all 16") {
    const auto estimate =
        registry()
            .create_gc_estimator("output_sampling", options_of("output_sampling", {{"outputs", std::int64_t{16}}}))
            ->estimate(f, inputs, 5);
    CHECK(estimate.value == Catch::Detail::Approx(expected).epsilon(1e-12));
  }
}

TEST_CASE("sampled equals exact with every axis whole, and stays within 3 standard errors when cut", "[gc]") {
  const auto w1 = at::randn({24, 10}, at::kDouble), w2 = at::randn({12, 24}, at::kDouble) / 4;
  const auto f = [&](const at::Tensor& x) { return at::tanh(x.matmul(w1.t())).matmul(w2.t()); };
  const auto inputs = at::randn({48, 10}, at::kDouble);
  const double exact = registry().create_gc_estimator("exact", options_of("exact"))->estimate(f, inputs, 0).value;

  SECTION("whole") {
    const auto estimate = registry().create_gc_estimator("sampled", options_of("sampled"))->estimate(f, inputs, 0);
    CHECK(estimate.value == Catch::Detail::Approx(exact).epsilon(1e-12));
    CHECK_FALSE(estimate.standard_error.has_value());
  }
  const std::vector<std::pair<const char*, std::map<std::string, gcbench::OptionValue>>> cuts = {
      {"half the examples", {{"example_fraction", 0.5}}},
      {"a quarter of the Jacobian entries", {{"entry_fraction", 0.25}}},
      {"3 of 12 outputs", {{"outputs", std::int64_t{3}}}},
      {"all three axes", {{"example_fraction", 0.5}, {"entry_fraction", 0.5}, {"outputs", std::int64_t{6}}}}};
  for (const auto& [label, options] : cuts) {
    DYNAMIC_SECTION(label) {
      const auto estimate = registry().create_gc_estimator("sampled", options_of("sampled", options))->estimate(f, inputs, 11);
      REQUIRE(estimate.standard_error.has_value());
      CHECK(std::abs(estimate.value - exact) < 3 * *estimate.standard_error);
    }
  }
}

// Directions and entry masks are drawn in one order whatever the passes, so the
// schedule changes rounding alone; with one direction a pass it is 1.0's algorithm.
TEST_CASE("sampled gives one estimate whatever the directions a pass holds", "[gc]") {
  const auto w1 = at::randn({24, 10}, at::kDouble), w2 = at::randn({12, 24}, at::kDouble) / 4;
  const auto f = [&](const at::Tensor& x) { return at::tanh(x.matmul(w1.t())).matmul(w2.t()); };
  const auto inputs = at::randn({48, 10}, at::kDouble);
  const auto with = [&](std::int64_t directions_per_pass) {
    return registry()
        .create_gc_estimator("sampled", options_of("sampled", {{"example_fraction", 0.5},
                                                               {"entry_fraction", 0.5},
                                                               {"outputs", std::int64_t{7}},
                                                               {"directions_per_pass", directions_per_pass}}))
        ->estimate(f, inputs, 11);
  };
  const auto one_a_pass = with(1);
  CHECK(one_a_pass.backward_passes == 7);
  for (const std::int64_t directions_per_pass : {3, 8}) {
    DYNAMIC_SECTION(directions_per_pass << " directions a pass") {
      const auto estimate = with(directions_per_pass);
      CHECK(estimate.backward_passes == (7 + directions_per_pass - 1) / directions_per_pass);
      CHECK(estimate.value == Catch::Detail::Approx(one_a_pass.value).epsilon(1e-12));
      CHECK(*estimate.standard_error == Catch::Detail::Approx(*one_a_pass.standard_error).epsilon(1e-9));
    }
  }
}

TEST_CASE("hutchinson falls within 3 standard errors of exact on a nonlinear network", "[gc]") {
  const auto w1 = at::randn({24, 10}, at::kDouble), w2 = at::randn({12, 24}, at::kDouble) / 4;
  const auto f = [&](const at::Tensor& x) { return at::tanh(x.matmul(w1.t())).matmul(w2.t()); };
  const auto inputs = at::randn({48, 10}, at::kDouble);
  const double exact = registry().create_gc_estimator("exact", options_of("exact"))->estimate(f, inputs, 0).value;
  const auto estimate = registry().create_gc_estimator("hutchinson", options_of("hutchinson"))->estimate(f, inputs, 3);
  CHECK(std::abs(estimate.value - exact) < 3 * *estimate.standard_error);
}

TEST_CASE("hutchinson's penalty on the forward pass estimates GC from the step's own graph and differentiates", "[gc]") {
  const auto w1 = at::randn({24, 10}, at::kDouble).requires_grad_(true);
  const auto w2 = (at::randn({12, 24}, at::kDouble) / 4).requires_grad_(true);
  const auto f = [&](const at::Tensor& x) { return at::tanh(x.matmul(w1.t())).matmul(w2.t()); };
  const auto inputs = at::randn({48, 10}, at::kDouble);
  const double exact = registry().create_gc_estimator("exact", options_of("exact"))->estimate(f, inputs, 0).value;
  const auto hutchinson = registry().create_gc_estimator("hutchinson", options_of("hutchinson"));
  REQUIRE(hutchinson->estimates_on_forward());

  const auto x = inputs.clone().requires_grad_(true);
  const auto y = f(x);  // the training step's forward pass
  const auto many = hutchinson->differentiable_estimate_on_forward(x, y, 5, 400);
  CHECK(many.item<double>() == Catch::Detail::Approx(exact).epsilon(0.05));
  SECTION("with one probe, and a different estimate for another seed") {
    const auto one = hutchinson->differentiable_estimate_on_forward(x, y, 5, 1).item<double>();
    CHECK(one > 0);
    CHECK(one != hutchinson->differentiable_estimate_on_forward(x, y, 6, 1).item<double>());
    CHECK(one == hutchinson->differentiable_estimate_on_forward(x, y, 5, 1).item<double>());
  }
  SECTION("its gradient reaches the parameters, and the step's graph is still there for the loss") {
    const auto penalty = hutchinson->differentiable_estimate_on_forward(x, y, 5, 1);
    (penalty + y.sum()).backward();
    REQUIRE(w1.grad().defined());
    CHECK(w1.grad().abs().sum().item<double>() > 0);
  }
}
