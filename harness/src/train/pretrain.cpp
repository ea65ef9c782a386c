#include "train/pretrain.hpp"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>

#include "data/batch_prefetcher.hpp"
#include "train/lr_schedule.hpp"
#include "train/momentum_sgd.hpp"

namespace gcbench {

namespace {
std::vector<at::Tensor> all_parameters(Network& network) {
  auto parameters = network.embedding->parameters();
  for (const auto& p : network.head->parameters()) parameters.push_back(p);
  return parameters;
}

// A module's buffers (batch norm's running mean, variance and step count) as
// they are now, to put back after a pass that must leave them alone.
class BufferSnapshot {
 public:
  explicit BufferSnapshot(torch::nn::Module& module) : buffers_(module.buffers()) {
    for (const auto& b : buffers_) saved_.push_back(b.clone());
  }
  // Written as batch norm's own kernel writes them, without bumping the version
  // counter: the step's graph saved these tensors, and its backward (in train
  // mode) reads batch statistics, not these values.
  void restore() const {
    torch::NoGradGuard no_grad;
    for (std::size_t i = 0; i < buffers_.size(); ++i) buffers_[i].variable_data().copy_(saved_[i]);
  }

 private:
  std::vector<at::Tensor> buffers_, saved_;
};

at::Tensor squared_norm(const std::vector<at::Tensor>& parameters) {
  at::Tensor total = at::zeros({}, parameters.front().options());
  for (const auto& p : parameters) total = total + p.pow(2).sum();
  return total;
}
}  // namespace

// One reduction a parameter and no squared copies: pretrain() reports it at
// every end, which the bench's two-step training cases pay each iteration.
double parameter_norm(Network& network) {
  torch::NoGradGuard no_grad;
  return at::stack(at::_foreach_norm(all_parameters(network))).norm().item<double>();
}

PretrainResult pretrain(Network& network, const ImageSet& source_train, const ChannelStats& stats, const TrainingConfig& config,
                        std::uint64_t seed, const TrainingHooks& hooks) {
  const std::int64_t n = source_train.images.size(0);
  if (n < config.batch_size) {
    throw std::invalid_argument("source_train has " + std::to_string(n) + " images, fewer than training.batch_size = " +
                                std::to_string(config.batch_size) + "; lower the batch size or use more data");
  }
  if (config.gc_penalty > 0 && (!hooks.gc_penalty || !hooks.gc_penalty->differentiable())) {
    throw std::invalid_argument("training.gc_penalty needs a differentiable GC estimator; '" +
                                config.gc_penalty_estimator.plugin +
                                "' has none. Set training.gc_penalty_estimator = \"hutchinson\"");
  }
  const auto parameters = all_parameters(network);
  const auto device = parameters.front().device();  // batches are made on the CPU and go where the network is
  const bool on_own_thread = hooks.batches_on_spare_core && BatchPrefetcher::core_to_spare();
  MomentumSgd optimizer(parameters, config.momentum, config.nesterov);
  network.embedding->train();
  network.head->train();

  // A last partial batch is dropped: batch norm is unstable on a handful of examples.
  const std::int64_t steps_per_epoch = n / config.batch_size;
  std::int64_t total_steps = steps_per_epoch * config.epochs;
  if (config.max_steps > 0) total_steps = std::min(total_steps, config.max_steps);

  std::vector<std::int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 shuffle(seed);
  const EmbeddingFunction f = [&network](const at::Tensor& x) { return network.embedding->forward(x); };

  PretrainResult result;
  double window_loss = 0.0, window_correct = 0.0, lr = config.lr;
  std::int64_t window_steps = 0, window_seen = 0;
  const auto report = [&] {
    if (!hooks.observe) return;
    TrainingProgress progress{result.steps, static_cast<double>(result.steps) / static_cast<double>(steps_per_epoch),
                              std::nullopt, std::nullopt, lr};
    if (window_steps > 0) {
      progress.loss = window_loss / static_cast<double>(window_steps);
      progress.accuracy = window_correct / static_cast<double>(window_seen);
    }
    hooks.observe(progress);
    window_loss = window_correct = 0.0;
    window_steps = window_seen = 0;
  };
  if (config.trajectory_every > 0) report();

  for (std::int64_t epoch = 0; epoch < config.epochs && result.steps < total_steps; ++epoch) {
    std::shuffle(order.begin(), order.end(), shuffle);
    double loss_sum = 0.0, penalty_sum = 0.0;
    std::int64_t correct = 0, seen = 0, epoch_steps = 0;
    const std::int64_t epoch_steps_planned = std::min(steps_per_epoch, total_steps - result.steps);
    BatchPrefetcher batches(source_train, stats, order, config.batch_size, epoch_steps_planned, config.augment,
                            seed ^ (0x5bd1e995ULL * static_cast<std::uint64_t>(epoch + 1)), on_own_thread);
    while (auto batch = batches.next()) {
      const auto inputs = batch->inputs.to(device, /*non_blocking=*/true);
      const auto labels = batch->labels.to(device, /*non_blocking=*/true);
      lr = learning_rate(config, result.steps, steps_per_epoch, total_steps);

      optimizer.zero_grad();
      // The penalty differentiates f w.r.t. its input on this very forward pass.
      const bool penalty_on_forward = config.gc_penalty > 0 && hooks.gc_penalty->estimates_on_forward();
      if (penalty_on_forward) inputs.requires_grad_(true);
      const auto embedding = network.embedding->forward(inputs);
      const auto logits = network.head->forward(embedding);
      const auto cross_entropy = at::nll_loss(at::log_softmax(logits, 1), labels);
      at::Tensor loss = cross_entropy;
      at::Tensor penalty;
      if (config.l2 > 0) loss = loss + config.l2 * squared_norm(parameters);
      if (config.gc_penalty > 0) {
        const std::uint64_t penalty_seed = seed ^ (0x9e3779b97f4a7c15ULL * (result.steps + 1));
        at::Tensor gc;
        if (penalty_on_forward) {
          gc = hooks.gc_penalty->differentiable_estimate_on_forward(inputs, embedding, penalty_seed, config.gc_penalty_probes);
        } else {
          // The estimator runs f again in train mode, which would move batch norm's
          // running statistics a second time this step: the penalty must change the
          // training only through its gradient, so they are put back as they were.
          const BufferSnapshot statistics(*network.embedding);
          gc = hooks.gc_penalty->differentiable_estimate(f, inputs, penalty_seed);
          statistics.restore();
        }
        loss = loss + config.gc_penalty * gc;
        penalty = gc.detach();
      }
      // What the step reports, read back in one copy (one device sync on a GPU).
      const auto read =
          at::stack({loss.detach().to(at::kDouble), cross_entropy.detach().to(at::kDouble),
                     logits.detach().argmax(1).eq(labels).sum().to(at::kDouble),
                     penalty.defined() ? penalty.to(at::kDouble) : at::zeros({}, loss.options().dtype(at::kDouble))})
              .to(at::kCPU);
      const double* values = read.data_ptr<double>();
      const double loss_value = values[0];
      penalty_sum += values[3];
      ++result.steps;
      if (!std::isfinite(loss_value)) {
        result.diverged_at_step = result.steps;
        result.final_loss = loss_value;
        return result;
      }
      loss.backward();
      optimizer.step(lr, config.weight_decay);

      const double ce = values[1];
      const auto batch_correct = static_cast<std::int64_t>(values[2]);
      loss_sum += ce;
      correct += batch_correct;
      seen += config.batch_size;
      ++epoch_steps;
      window_loss += ce;
      window_correct += static_cast<double>(batch_correct);
      window_seen += config.batch_size;
      ++window_steps;
      if (config.trajectory_every > 0 && result.steps % config.trajectory_every == 0) report();
      if (hooks.step_done) hooks.step_done({result.steps, total_steps, epoch + 1, result.steps * config.batch_size, ce});
    }
    result.final_loss = loss_sum / static_cast<double>(epoch_steps);
    result.running_train_accuracy = static_cast<double>(correct) / static_cast<double>(seen);
    result.final_gc_penalty = penalty_sum / static_cast<double>(epoch_steps);
    if (epoch_steps == steps_per_epoch) {
      result.epochs_completed = epoch + 1;
      if (hooks.epoch_end) hooks.epoch_end(epoch + 1);
    }
  }
  if (config.trajectory_every > 0 && window_steps > 0) report();
  result.parameter_norm = parameter_norm(network);
  return result;
}

}  // namespace gcbench
