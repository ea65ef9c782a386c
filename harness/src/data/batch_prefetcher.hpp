// Training batches made on a background thread, one step ahead of the
// optimiser, so the training loop does not wait on indexing, augmentation and
// normalisation; or made in next() itself when no core is free for that thread
// (on 2 cores with 2 compute threads the thread slows every step down more than
// the batch costs: measured by tests/benchmarks/pytorch_reference).
#pragma once

#include <ATen/core/Tensor.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "gcbench/sdk/dataset.hpp"

namespace gcbench {

struct TrainingBatch {
  at::Tensor inputs;  // float32 [B, C, H, W], normalised
  at::Tensor labels;  // int64 [B]
};

// Standard CIFAR / mini-ImageNet augmentation on uint8 images [B, C, H, W]: a
// random crop after 4-pixel zero padding, and a horizontal flip with probability
// 1/2. Every choice comes from `generator_seed`.
at::Tensor augment(const at::Tensor& images, std::uint64_t generator_seed);

class BatchPrefetcher {
 public:
  // Batch i holds set.images[order[i * batch_size .. (i + 1) * batch_size)], for i < steps.
  // `set` must outlive the prefetcher.
  BatchPrefetcher(const ImageSet& set, const ChannelStats& stats, std::vector<std::int64_t> order, std::int64_t batch_size,
                  std::int64_t steps, bool augment, std::uint64_t seed, bool on_own_thread = true);

  // Whether a thread of its own pays: a core is left over by LibTorch's compute threads.
  static bool core_to_spare();
  ~BatchPrefetcher();
  BatchPrefetcher(const BatchPrefetcher&) = delete;
  BatchPrefetcher& operator=(const BatchPrefetcher&) = delete;

  // The next batch, or nothing after the last; rethrows what the producer threw.
  std::optional<TrainingBatch> next();

 private:
  void produce();
  TrainingBatch make(std::int64_t step) const;

  const ImageSet& set_;
  ChannelStats stats_;
  std::vector<std::int64_t> order_;
  std::int64_t batch_size_;
  std::int64_t steps_;
  bool augment_;
  std::uint64_t seed_;

  std::mutex lock_;
  std::condition_variable changed_;
  std::deque<TrainingBatch> ready_;
  std::int64_t produced_ = 0;
  std::int64_t consumed_ = 0;
  bool stopping_ = false;
  std::exception_ptr failure_;
  std::thread worker_;
};

}  // namespace gcbench
