#include "runtime/process_tuning.hpp"

#include <ATen/Parallel.h>
#include <malloc.h>

#include <algorithm>
#include <thread>

namespace gcbench {

void tune_allocator() {
  // glibc returns large blocks to the OS after every tensor is freed, and LibTorch
  // then page-faults them back in: measured here, a Conv-4 training step ran ~3x
  // slower. Keep up to 32 MiB blocks on the heap and trim rarely.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

int apply_threads(std::int64_t requested) {
  const int threads = requested > 0 ? static_cast<int>(requested)
                                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // LibTorch's CPU build here starts with one thread.
  if (at::get_num_threads() != threads) at::set_num_threads(threads);
  return threads;
}

}  // namespace gcbench
