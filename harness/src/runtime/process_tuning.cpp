#include "runtime/process_tuning.hpp"

#include <ATen/Parallel.h>
#include <fmt/format.h>
#include <malloc.h>

#include <algorithm>
#include <thread>

namespace gcbench {

void tune_allocator() {
  // glibc serves large blocks with mmap and returns them to the OS when a tensor
  // is freed; LibTorch then page-faults them back in on the next step. Measured
  // here, that made a Conv-4 training step ~3x slower, and the replicated batches
  // of the GC estimators (tensors far above glibc's 32 MiB mmap ceiling) slower
  // still. So: no mmap at all, and freed memory stays on the heap. (Where
  // gcbench is linked with tcmalloc, as it is when that is installed, glibc's
  // allocator serves nothing and these settings do nothing.)
  mallopt(M_MMAP_MAX, 0);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

std::string threads_problem(std::int64_t requested) {
  const auto cores = static_cast<std::int64_t>(std::thread::hardware_concurrency());
  if (cores <= 0 || requested <= cores) return "";
  return fmt::format(
      "'runtime.threads' is {}, but this machine has {} cores; more threads than cores only slow "
      "LibTorch down: use 0 (all cores) or at most {}",
      requested, cores, cores);
}

int apply_threads(std::int64_t requested) {
  const int threads =
      requested > 0 ? static_cast<int>(requested) : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // LibTorch's CPU build here starts with one thread.
  if (at::get_num_threads() != threads) at::set_num_threads(threads);
  return threads;
}

}  // namespace gcbench
