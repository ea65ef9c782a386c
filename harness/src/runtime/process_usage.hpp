// What this process has used: CPU time (all threads) and peak resident memory,
// so a record can tell a slower run from a busier machine.
#pragma once

#include <cstdint>

namespace gcbench {

// CPU seconds this process has used so far, user and system, every thread.
double process_cpu_seconds();

// The most resident memory this process has held, in bytes (getrusage's ru_maxrss).
std::int64_t peak_resident_bytes();

}  // namespace gcbench
