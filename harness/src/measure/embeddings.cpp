#include "measure/embeddings.hpp"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <vector>

#include "data/image_batches.hpp"
#include "runtime/device.hpp"

namespace gcbench {

Outputs compute_outputs(Network& network, const at::Tensor& images, const ChannelStats& stats, std::int64_t batch_size,
                        bool with_logits) {
  torch::NoGradGuard no_grad;
  const auto device = device_of(network);
  network.embedding->eval();
  network.head->eval();
  std::vector<at::Tensor> embeddings;
  std::vector<at::Tensor> logits;
  for (std::int64_t start = 0; start < images.size(0); start += batch_size) {
    const auto batch = to_network_input(images.slice(0, start, start + batch_size), stats).to(device);
    auto embedding = network.embedding->forward(batch);
    if (with_logits) logits.push_back(network.head->forward(embedding));
    embeddings.push_back(std::move(embedding));
  }
  Outputs outputs{at::cat(embeddings), {}};
  if (with_logits) outputs.logits = at::cat(logits);
  return outputs;
}

double accuracy(const at::Tensor& logits, const at::Tensor& labels) {
  return logits.argmax(1).eq(labels.to(logits.device())).to(at::kDouble).mean().item<double>();
}

}  // namespace gcbench
