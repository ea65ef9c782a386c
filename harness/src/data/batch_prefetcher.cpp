#include "data/batch_prefetcher.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <ATen/core/Tensor.h>
#include <ATen/ops/constant_pad_nd.h>
#include <ATen/ops/empty_like.h>
#include <ATen/ops/randint.h>
#include <ATen/ops/tensor.h>
#include <omp.h>

#include "data/image_batches.hpp"

namespace gcbench {

namespace {
constexpr std::int64_t kPadding = 4;
constexpr std::size_t kAhead = 2;  // batches held ready
}  // namespace

at::Tensor augment(const at::Tensor& images, std::uint64_t generator_seed) {
  auto generator = at::detail::createCPUGenerator(generator_seed);
  const auto b = images.size(0), h = images.size(2), w = images.size(3);
  const auto padded = at::constant_pad_nd(images, {kPadding, kPadding, kPadding, kPadding}, 0);
  const auto offsets = at::randint(0, 2 * kPadding + 1, {b, 2}, generator, at::TensorOptions().dtype(at::kLong));
  const auto flips = at::randint(0, 2, {b}, generator, at::TensorOptions().dtype(at::kLong));
  auto out = at::empty_like(images);
  const auto* offset = offsets.data_ptr<std::int64_t>();
  const auto* flip = flips.data_ptr<std::int64_t>();
  for (std::int64_t i = 0; i < b; ++i) {
    auto crop = padded[i].narrow(1, offset[2 * i], h).narrow(2, offset[2 * i + 1], w);
    out[i].copy_(flip[i] ? crop.flip({2}) : crop);
  }
  return out;
}

BatchPrefetcher::BatchPrefetcher(const ImageSet& set, const ChannelStats& stats, std::vector<std::int64_t> order,
                                 std::int64_t batch_size, std::int64_t steps, bool augment, std::uint64_t seed,
                                 bool on_own_thread)
    : set_(set), stats_(stats), order_(std::move(order)), batch_size_(batch_size), steps_(steps), augment_(augment), seed_(seed) {
  if (on_own_thread) worker_ = std::thread([this] { produce(); });
}

BatchPrefetcher::~BatchPrefetcher() {
  {
    std::lock_guard<std::mutex> guard(lock_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (worker_.joinable()) worker_.join();
}

bool BatchPrefetcher::core_to_spare() {
  return std::thread::hardware_concurrency() > static_cast<unsigned>(at::get_num_threads());
}

TrainingBatch BatchPrefetcher::make(std::int64_t step) const {
  const auto begin = order_.begin() + step * batch_size_;
  const auto indices = at::tensor(std::vector<std::int64_t>(begin, begin + batch_size_), at::kLong);
  auto images = set_.images.index_select(0, indices);
  if (augment_) images = augment(images, seed_ ^ (0xa5a5a5a5ULL + static_cast<std::uint64_t>(step) * 0x9e3779b97f4a7c15ULL));
  return TrainingBatch{to_network_input(images, stats_), set_.labels.index_select(0, indices)};
}

void BatchPrefetcher::produce() {
  // LibTorch parallelises with OpenMP; a second thread team here would spin
  // against the training step's team for the same cores. Batches are small work:
  // this thread makes them alone.
  omp_set_num_threads(1);
  try {
    for (std::int64_t step = 0; step < steps_; ++step) {
      {
        std::unique_lock<std::mutex> guard(lock_);
        changed_.wait(guard, [this] { return stopping_ || ready_.size() < kAhead; });
        if (stopping_) return;
      }
      TrainingBatch batch = make(step);
      {
        std::lock_guard<std::mutex> guard(lock_);
        ready_.push_back(std::move(batch));
        ++produced_;
      }
      changed_.notify_all();
    }
  } catch (...) {
    std::lock_guard<std::mutex> guard(lock_);
    failure_ = std::current_exception();
  }
  changed_.notify_all();
}

std::optional<TrainingBatch> BatchPrefetcher::next() {
  if (!worker_.joinable()) {
    if (consumed_ >= steps_) return std::nullopt;
    return make(consumed_++);
  }
  std::unique_lock<std::mutex> guard(lock_);
  if (consumed_ >= steps_) return std::nullopt;
  changed_.wait(guard, [this] { return !ready_.empty() || failure_; });
  if (ready_.empty() && failure_) std::rethrow_exception(failure_);
  TrainingBatch batch = std::move(ready_.front());
  ready_.pop_front();
  ++consumed_;
  guard.unlock();
  changed_.notify_all();
  return batch;
}

}  // namespace gcbench
