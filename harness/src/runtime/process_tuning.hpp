// Process-wide speed settings: LibTorch's thread count and glibc's allocator.
#pragma once

#include <cstdint>

namespace gcbench {

// Call first thing in main(), before LibTorch allocates.
void tune_allocator();

// Sets LibTorch's intra-op threads: `requested`, or all cores when 0. Returns the count.
int apply_threads(std::int64_t requested);

}  // namespace gcbench
