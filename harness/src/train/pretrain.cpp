#include "train/pretrain.hpp"

#include <ATen/ATen.h>
#include <torch/optim/sgd.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>

#include "data/image_batches.hpp"

namespace gcbench {

PretrainResult pretrain(Network& network, const ImageSet& source_train, const ChannelStats& stats,
                        const TrainingConfig& config, std::uint64_t seed) {
  if (source_train.images.size(0) < config.batch_size) {
    throw std::invalid_argument("source_train has " + std::to_string(source_train.images.size(0)) +
                                " images, fewer than training.batch_size = " + std::to_string(config.batch_size) +
                                "; lower the batch size or use more data");
  }
  auto parameters = network.embedding->parameters();
  for (const auto& p : network.head->parameters()) parameters.push_back(p);
  torch::optim::SGD optimizer(parameters, torch::optim::SGDOptions(config.lr)
                                              .momentum(config.momentum)
                                              .weight_decay(config.weight_decay));
  network.embedding->train();
  network.head->train();

  const std::int64_t n = source_train.images.size(0);
  std::vector<std::int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 shuffle(seed);

  PretrainResult result;
  for (std::int64_t epoch = 0; epoch < config.epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), shuffle);
    double loss_sum = 0.0;
    std::int64_t correct = 0, seen = 0, epoch_steps = 0;
    // A last partial batch is dropped: batch norm is unstable on a handful of examples.
    for (std::int64_t start = 0; start + config.batch_size <= n; start += config.batch_size) {
      if (config.max_steps > 0 && result.steps >= config.max_steps) break;
      const auto indices = at::tensor(std::vector<std::int64_t>(order.begin() + start,
                                                                order.begin() + start + config.batch_size),
                                      at::kLong);
      const auto inputs = input_batch(source_train.images, indices, stats);
      const auto labels = source_train.labels.index_select(0, indices);
      optimizer.zero_grad();
      const auto logits = network.head->forward(network.embedding->forward(inputs));
      const auto loss = at::nll_loss(at::log_softmax(logits, 1), labels);
      const double loss_value = loss.item<double>();
      ++result.steps;
      if (!std::isfinite(loss_value)) {
        result.diverged_at_step = result.steps;
        result.final_loss = loss_value;
        return result;
      }
      loss.backward();
      optimizer.step();
      loss_sum += loss_value;
      correct += logits.argmax(1).eq(labels).sum().item<std::int64_t>();
      seen += config.batch_size;
      ++epoch_steps;
    }
    if (epoch_steps == 0) break;
    result.final_loss = loss_sum / static_cast<double>(epoch_steps);
    result.running_train_accuracy = static_cast<double>(correct) / static_cast<double>(seen);
    result.epochs_completed = epoch + 1;
    if (config.max_steps > 0 && result.steps >= config.max_steps) break;
  }
  return result;
}

}  // namespace gcbench
