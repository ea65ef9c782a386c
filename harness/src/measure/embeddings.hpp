// Forward passes in eval mode, without autograd, in batches.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

#include "gcbench/sdk/architecture.hpp"

namespace gcbench {

struct Outputs {
  at::Tensor embeddings;  // float32 [N, D]
  at::Tensor logits;      // float32 [N, classes]; undefined unless asked for
};

// Runs on the network's device, where the outputs stay. Leaves the network in
// eval mode: batch-norm statistics stay frozen.
Outputs compute_outputs(Network& network, const at::Tensor& images, const ChannelStats& stats, std::int64_t batch_size,
                        bool with_logits);

double accuracy(const at::Tensor& logits, const at::Tensor& labels);

}  // namespace gcbench
