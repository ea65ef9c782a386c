// Process-wide speed settings: LibTorch's thread count and glibc's allocator.
#pragma once

#include <cstdint>
#include <string>

namespace gcbench {

// Call first thing in main(), before LibTorch allocates.
void tune_allocator();

// Why this machine cannot give `requested` threads (more than its cores, which
// only slows LibTorch down), or "" when it can; 0 means all cores.
std::string threads_problem(std::int64_t requested);

// Sets LibTorch's intra-op threads: `requested`, or all cores when 0. Returns the count.
int apply_threads(std::int64_t requested);

}  // namespace gcbench
