#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <torch/optim/sgd.h>
#include <torch/utils.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "data/batch_prefetcher.hpp"
#include "data/image_batches.hpp"
#include "support/fixtures.hpp"
#include "support/plugin_options.hpp"
#include "train/checkpoint.hpp"
#include "train/lr_schedule.hpp"
#include "train/pretrain.hpp"

using gcbench::PluginKind;
using gcbench::testing::bundled_plugins;
using gcbench::testing::options_for;
using gcbench::testing::TempDir;

namespace {

struct Fixture {
  TempDir dir;
  gcbench::ImageSet train;
  gcbench::ChannelStats stats;
  Fixture() {
    gcbench::testing::write_fashion_mnist_fixture(dir / "data", 40, 10);
    auto dataset =
        bundled_plugins().create_dataset("fashion_mnist", dir / "data", options_for(PluginKind::dataset, "fashion_mnist"));
    train = dataset->load(gcbench::SplitRole::source_train);
    stats = dataset->normalization();
  }
};

gcbench::Network conv4(std::uint64_t seed) {
  torch::manual_seed(seed);
  return bundled_plugins()
      .create_architecture("conv4", options_for(PluginKind::architecture, "conv4",
                                                {{"width", std::int64_t{8}}, {"embedding_dim", std::int64_t{16}}}))
      ->build({1, 28, 28}, 5);
}

gcbench::TrainingConfig plain_sgd(std::int64_t steps) {
  auto config = gcbench::default_run_config().training;
  config.epochs = 100;
  config.max_steps = steps;
  config.batch_size = 20;
  config.lr = 0.05;
  config.weight_decay = 0;
  return config;
}

double exact_gc(gcbench::Network& network, const at::Tensor& inputs) {
  network.embedding->eval();
  auto exact = bundled_plugins().create_gc_estimator("exact", options_for(PluginKind::gc_estimator, "exact"));
  return exact->estimate([&](const at::Tensor& x) { return network.embedding->forward(x); }, inputs, 0).value;
}

}  // namespace

TEST_CASE("The training loss falls over 50 steps on a tiny generated dataset", "[training]") {
  Fixture data;
  auto network = conv4(0);
  auto config = plain_sgd(50);
  config.trajectory_every = 10;
  std::vector<double> losses;
  gcbench::TrainingHooks hooks;
  hooks.observe = [&](const gcbench::TrainingProgress& progress) {
    if (progress.loss) losses.push_back(*progress.loss);
  };
  const auto result = gcbench::pretrain(network, data.train, data.stats, config, 0, hooks);
  CHECK(result.steps == 50);
  REQUIRE(losses.size() == 5);
  CHECK(losses.back() < 0.5 * losses.front());
}

TEST_CASE("The GC penalty lowers the measured GC against the same run without it", "[training]") {
  Fixture data;
  const auto probe = gcbench::input_batch(data.train.images, at::arange(16, at::kLong), data.stats);
  auto plain = conv4(1), penalised = conv4(1);
  auto config = plain_sgd(40);
  gcbench::pretrain(plain, data.train, data.stats, config, 1);

  config.gc_penalty = 0.05;
  config.gc_penalty_estimator.plugin = "hutchinson";
  auto hutchinson = bundled_plugins().create_gc_estimator("hutchinson", options_for(PluginKind::gc_estimator, "hutchinson"));
  gcbench::TrainingHooks hooks;
  hooks.gc_penalty = hutchinson.get();
  const auto result = gcbench::pretrain(penalised, data.train, data.stats, config, 1, hooks);
  CHECK(result.final_gc_penalty > 0);
  CHECK(exact_gc(penalised, probe) < 0.5 * exact_gc(plain, probe));
}

TEST_CASE("A vanishing GC penalty trains the same weights and batch-norm statistics as none", "[training]") {
  // The penalty may change training only through its gradient: its own pass of
  // f must not move batch norm's running statistics a second time per step.
  Fixture data;
  auto plain = conv4(2), penalised = conv4(2);
  auto config = plain_sgd(8);
  gcbench::pretrain(plain, data.train, data.stats, config, 2);
  config.gc_penalty = 1e-12;
  config.gc_penalty_estimator.plugin = "hutchinson";
  auto hutchinson = bundled_plugins().create_gc_estimator("hutchinson", options_for(PluginKind::gc_estimator, "hutchinson"));
  gcbench::TrainingHooks hooks;
  hooks.gc_penalty = hutchinson.get();
  gcbench::pretrain(penalised, data.train, data.stats, config, 2, hooks);

  const auto a = plain.embedding->named_buffers(), b = penalised.embedding->named_buffers();
  REQUIRE(a.size() > 0);  // conv4 has batch norm
  for (const auto& item : a) {
    INFO(item.key());
    CHECK(at::allclose(item.value().to(at::kDouble), b[item.key()].to(at::kDouble), 1e-5, 1e-7));
  }
  const auto pa = plain.embedding->named_parameters(), pb = penalised.embedding->named_parameters();
  for (const auto& item : pa) {
    INFO(item.key());
    CHECK(at::allclose(item.value(), pb[item.key()], 1e-5, 1e-7));
  }
  const auto probe = gcbench::input_batch(data.train.images, at::arange(16, at::kLong), data.stats);
  CHECK(exact_gc(penalised, probe) == Catch::Detail::Approx(exact_gc(plain, probe)).epsilon(1e-4));
}

TEST_CASE("The GC penalty refuses an estimator that is not differentiable", "[training]") {
  Fixture data;
  auto network = conv4(0);
  auto config = plain_sgd(5);
  config.gc_penalty = 1.0;
  config.gc_penalty_estimator.plugin = "exact";
  auto exact = bundled_plugins().create_gc_estimator("exact", options_for(PluginKind::gc_estimator, "exact"));
  gcbench::TrainingHooks hooks;
  hooks.gc_penalty = exact.get();
  CHECK_THROWS_WITH(gcbench::pretrain(network, data.train, data.stats, config, 0, hooks),
                    Catch::Contains("'exact' has none") && Catch::Contains("hutchinson"));
}

TEST_CASE("pretrain reports the Euclidean norm of every parameter, embedding and head", "[training]") {
  Fixture data;
  auto network = conv4(4);
  const auto reported = gcbench::pretrain(network, data.train, data.stats, plain_sgd(3), 4).parameter_norm;
  double squares = 0.0;
  for (const auto& p : network.embedding->parameters()) squares += p.to(at::kDouble).pow(2).sum().item<double>();
  for (const auto& p : network.head->parameters()) squares += p.to(at::kDouble).pow(2).sum().item<double>();
  CHECK(reported == Approx(std::sqrt(squares)).epsilon(1e-6));
  CHECK(gcbench::parameter_norm(network) == reported);
}

TEST_CASE("The L2 term lowers the parameter norm against the same run without it", "[training]") {
  Fixture data;
  auto plain = conv4(2), regularised = conv4(2);
  auto config = plain_sgd(40);
  const auto without = gcbench::pretrain(plain, data.train, data.stats, config, 2);
  config.l2 = 0.05;
  const auto with = gcbench::pretrain(regularised, data.train, data.stats, config, 2);
  CHECK(with.parameter_norm < without.parameter_norm);
  SECTION("and so does decoupled weight decay") {
    auto decayed = conv4(2);
    config.l2 = 0;
    config.weight_decay = 0.5;
    CHECK(gcbench::pretrain(decayed, data.train, data.stats, config, 2).parameter_norm < without.parameter_norm);
  }
}

TEST_CASE("A checkpoint round trip gives identical embeddings", "[training]") {
  Fixture data;
  auto trained = conv4(3);
  gcbench::pretrain(trained, data.train, data.stats, plain_sgd(10), 3);
  gcbench::save_checkpoint(trained, data.dir / "ckpt" / "final.pt");

  auto restored = conv4(99);
  gcbench::load_checkpoint(restored, data.dir / "ckpt" / "final.pt");
  trained.embedding->eval();
  restored.embedding->eval();
  torch::NoGradGuard no_grad;
  const auto inputs = gcbench::input_batch(data.train.images, at::arange(8, at::kLong), data.stats);
  CHECK(at::equal(trained.embedding->forward(inputs), restored.embedding->forward(inputs)));
  CHECK(at::equal(trained.head->weight, restored.head->weight));

  SECTION("a checkpoint of another architecture is refused, naming the file") {
    auto other =
        bundled_plugins().create_architecture("mlp", options_for(PluginKind::architecture, "mlp"))->build({1, 28, 28}, 5);
    CHECK_THROWS_WITH(gcbench::load_checkpoint(other, data.dir / "ckpt" / "final.pt"),
                      Catch::Contains("final.pt") && Catch::Contains("does not fit"));
  }
}

TEST_CASE("Learning-rate schedules give the documented rates", "[training]") {
  auto config = gcbench::default_run_config().training;
  config.lr = 0.1;
  SECTION("step decay at the milestones") {
    config.schedule = "step";
    config.milestones = {2, 4};
    CHECK(gcbench::learning_rate(config, 0, 10, 60) == Catch::Detail::Approx(0.1));
    CHECK(gcbench::learning_rate(config, 19, 10, 60) == Catch::Detail::Approx(0.1));
    CHECK(gcbench::learning_rate(config, 20, 10, 60) == Catch::Detail::Approx(0.01));
    CHECK(gcbench::learning_rate(config, 45, 10, 60) == Catch::Detail::Approx(0.001));
  }
  SECTION("cosine from lr to zero") {
    config.schedule = "cosine";
    CHECK(gcbench::learning_rate(config, 0, 10, 100) == Catch::Detail::Approx(0.1));
    CHECK(gcbench::learning_rate(config, 50, 10, 100) == Catch::Detail::Approx(0.05));
  }
  SECTION("linear warm-up first") {
    config.warmup_epochs = 1;
    CHECK(gcbench::learning_rate(config, 0, 10, 100) == Catch::Detail::Approx(0.01));
    CHECK(gcbench::learning_rate(config, 9, 10, 100) == Catch::Detail::Approx(0.1));
    CHECK(gcbench::learning_rate(config, 10, 10, 100) == Catch::Detail::Approx(0.1));
  }
}

// The step as it was written before it was made faster: the batch thread, a
// read-back per value, weight decay parameter by parameter. The faster step
// must follow the same loss trajectory.
TEST_CASE("The faster training step follows the loss trajectory of the plain step it replaced", "[training]") {
  Fixture data;
  auto config = plain_sgd(6);
  config.weight_decay = 5e-4;
  config.trajectory_every = 1;
  const std::uint64_t seed = 11;

  auto network = conv4(3);
  std::vector<double> losses;
  gcbench::TrainingHooks hooks;
  hooks.observe = [&](const gcbench::TrainingProgress& progress) {
    if (progress.loss) losses.push_back(*progress.loss);
  };
  gcbench::pretrain(network, data.train, data.stats, config, seed, hooks);

  auto plain = conv4(3);
  auto parameters = plain.embedding->parameters();
  for (const auto& p : plain.head->parameters()) parameters.push_back(p);
  torch::optim::SGD optimizer(parameters, torch::optim::SGDOptions(config.lr).momentum(config.momentum));
  plain.embedding->train();
  plain.head->train();
  std::vector<std::int64_t> order(data.train.images.size(0));
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 shuffle(seed);
  std::shuffle(order.begin(), order.end(), shuffle);
  gcbench::BatchPrefetcher batches(data.train, data.stats, order, config.batch_size, 6, false, seed ^ 0x5bd1e995ULL,
                                   /*on_own_thread=*/true);
  std::vector<double> expected;
  while (auto batch = batches.next()) {
    optimizer.zero_grad();
    const auto logits = plain.head->forward(plain.embedding->forward(batch->inputs));
    const auto loss = at::nll_loss(at::log_softmax(logits, 1), batch->labels);
    expected.push_back(loss.item<double>());
    loss.backward();
    optimizer.step();
    torch::NoGradGuard no_grad;
    for (auto& p : parameters) p.mul_(1.0 - config.lr * config.weight_decay);
  }
  REQUIRE(losses.size() == 6);
  REQUIRE(expected.size() == 6);
  for (std::size_t i = 0; i < 6; ++i) {
    INFO("step " << i + 1);
    CHECK(losses[i] == Catch::Detail::Approx(expected[i]).epsilon(1e-5));
  }
}
