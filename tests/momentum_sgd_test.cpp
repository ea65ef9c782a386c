#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <torch/optim/sgd.h>
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "train/momentum_sgd.hpp"

namespace {

struct Setting {
  double momentum = 0.9;
  bool nesterov = false;
  double weight_decay = 5e-4;
  at::ScalarType type = at::kFloat;
};

// Parameters of several sizes and layouts: one that spans several threads'
// tasks, one smaller than a task, two dense in another order than contiguous
// (a transpose, and channels-last convolution weights as sdk/channels_last.hpp
// lays them out), one not dense and one whose gradient comes in another layout
// (these two take ATen's operations), and one that gets no gradient.
constexpr std::size_t kGradientInAnotherLayout = 5;

std::vector<at::Tensor> parameters_of(at::ScalarType type) {
  at::manual_seed(3);
  std::vector<at::Tensor> p = {at::randn({3, 70001}, type),
                               at::randn({17}, type),
                               at::randn({40, 30}, type).t(),
                               at::randn({96, 64, 3, 3}, type).contiguous(at::MemoryFormat::ChannelsLast),
                               at::randn({40, 60}, type).slice(1, 0, 60, 2),
                               at::randn({6, 4, 3, 3}, type).contiguous(at::MemoryFormat::ChannelsLast),
                               at::randn({5, 5}, type)};
  for (auto& t : p) t.requires_grad_(true);
  return p;
}

std::vector<at::Tensor> copies(const std::vector<at::Tensor>& parameters) {
  std::vector<at::Tensor> c;
  for (const auto& p : parameters) {
    auto copy = at::empty_strided(p.sizes(), p.strides(), p.options()).copy_(p.detach());  // the same layout
    c.push_back(copy.requires_grad_(true));
  }
  return c;
}

// Gradients as a backward leaves them, made from a seed: all but the last parameter get one,
// in its parameter's layout where that is dense (AccumulateGrad's layout contract).
void give_gradients(std::vector<at::Tensor>& parameters, int step) {
  at::manual_seed(100 + step);
  for (std::size_t k = 0; k + 1 < parameters.size(); ++k) {
    auto g = at::randn(parameters[k].sizes(), parameters[k].options().requires_grad(false));
    if (parameters[k].is_non_overlapping_and_dense() && k != kGradientInAnotherLayout) {
      g = at::empty_strided(g.sizes(), parameters[k].strides(), g.options()).copy_(g);
    }
    if (parameters[k].grad().defined()) {
      parameters[k].mutable_grad().add_(g);  // as a backward adds into LibTorch's zeroed gradients
    } else {
      parameters[k].mutable_grad() = g;
    }
  }
}

// What pretrain() did before: torch::optim::SGD's step, then the decay of every parameter.
void reference_steps(std::vector<at::Tensor> parameters, const Setting& s, const std::vector<double>& lrs) {
  torch::optim::SGD sgd(parameters, torch::optim::SGDOptions(lrs.front()).momentum(s.momentum).nesterov(s.nesterov));
  for (std::size_t step = 0; step < lrs.size(); ++step) {
    sgd.zero_grad();
    give_gradients(parameters, static_cast<int>(step));
    for (auto& group : sgd.param_groups()) static_cast<torch::optim::SGDOptions&>(group.options()).lr(lrs[step]);
    sgd.step();
    torch::NoGradGuard no_grad;
    if (s.weight_decay > 0) at::_foreach_mul_(parameters, 1.0 - lrs[step] * s.weight_decay);
  }
}

void fused_steps(std::vector<at::Tensor> parameters, const Setting& s, const std::vector<double>& lrs) {
  gcbench::MomentumSgd sgd(parameters, s.momentum, s.nesterov);
  for (std::size_t step = 0; step < lrs.size(); ++step) {
    sgd.zero_grad();
    give_gradients(parameters, static_cast<int>(step));
    sgd.step(lrs[step], s.weight_decay);
  }
}

void check_same_bits(const Setting& s) {
  const std::vector<double> lrs = {0.05, 0.05, 0.03, 0.011};  // a schedule moves lr between steps
  const auto start = parameters_of(s.type);
  auto expected = copies(start), fused = copies(start);
  reference_steps(expected, s, lrs);
  fused_steps(fused, s, lrs);
  for (std::size_t k = 0; k < start.size(); ++k) {
    INFO("parameter " << k << " of shape " << start[k].sizes());
    const bool moves = k + 1 < start.size() || s.weight_decay > 0;  // the last has no gradient, only the decay
    if (moves) CHECK_FALSE(at::equal(fused[k], start[k].detach()));
    CHECK(at::equal(fused[k], expected[k]));
    CHECK(fused[k].strides() == start[k].strides());  // updated where it lies
  }
}

}  // namespace

TEST_CASE("The fused SGD step gives torch::optim::SGD's parameters and the decay's, bit for bit", "[training][sgd]") {
  Setting s;
  SECTION("momentum and decoupled weight decay, as pretrain() trains") { check_same_bits(s); }
  SECTION("Nesterov momentum") {
    s.nesterov = true;
    check_same_bits(s);
  }
  SECTION("no weight decay") {
    s.weight_decay = 0;
    s.momentum = 0.5;
    check_same_bits(s);
  }
  SECTION("no momentum") {
    s.momentum = 0;
    check_same_bits(s);
  }
  SECTION("double parameters") {
    s.type = at::kDouble;
    check_same_bits(s);
  }
}

TEST_CASE("The fused SGD step's zero_grad drops the gradients instead of zeroing them", "[training][sgd]") {
  auto parameters = parameters_of(at::kFloat);
  gcbench::MomentumSgd sgd(parameters, 0.9, false);
  give_gradients(parameters, 0);
  REQUIRE(parameters.front().grad().defined());
  sgd.zero_grad();
  for (const auto& p : parameters) CHECK_FALSE(p.grad().defined());
}

TEST_CASE("The fused SGD step refuses Nesterov momentum without a momentum, naming both keys", "[training][sgd]") {
  CHECK_THROWS_WITH(gcbench::MomentumSgd(parameters_of(at::kFloat), 0.0, true),
                    Catch::Contains("training.nesterov") && Catch::Contains("training.momentum"));
}
