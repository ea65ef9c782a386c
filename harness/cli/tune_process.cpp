#include <malloc.h>

#include "commands.hpp"

namespace gcbench::cli {

void tune_process() {
  // glibc returns large blocks to the OS after every tensor is freed, and LibTorch
  // then page-faults them back in: measured here, a Conv-4 training step ran ~3x
  // slower. Keep up to 32 MiB blocks on the heap and trim rarely.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

}  // namespace gcbench::cli
