// The 2x2 max-pool's inner loop, shared by max_pool.cpp and batch_norm_pool.cpp.
#pragma once

#include <algorithm>
#include <cstdint>

namespace gcbench::pool_windows {

constexpr std::int64_t kWindow = 2;

// A window's later element replaces its maximum when greater or NaN (unequal
// to itself): LibTorch's rule, whose running maximum starts at -inf (the same
// outcome). Selects, not branches, so that the loops around it vectorise.
template <typename T>
inline void consider(T candidate, std::int32_t corner, T& best, std::int32_t& won) {
  const bool replaces = candidate > best || candidate != candidate;
  best = replaces ? candidate : best;
  won = replaces ? corner : won;
}

// One plane, an output row from two input rows at a time, each value first
// mapped by `value` (the identity for a plain max-pool; batch norm's affine map
// for the fused one). The window's first element starts as the maximum; each
// later one is considered in turn. Written as selects on a block of windows,
// then their indices in a second loop, so that the compiler vectorises the first: a branch per comparison is a coin toss on real
// activations, and LibTorch's element-by-element loop with its index arithmetic is what made it slow (11.5 ms for [64, 64, 32,
// 32] on one core of a Xeon, against 2.3 ms written so).
template <typename T, typename Value>
void pool_plane(const T* input, std::int64_t height, std::int64_t width, T* output, std::int64_t* indices, Value value) {
  constexpr std::int64_t kBlock = 256;
  std::int32_t corner[kBlock];  // which of the window's four won: 0, 1 on the upper row, 2, 3 on the lower
  const std::int64_t out_height = height / kWindow, out_width = width / kWindow;
  for (std::int64_t oh = 0; oh < out_height; ++oh) {
    const std::int64_t top = oh * kWindow * width;
    const T* upper = input + top;
    const T* lower = upper + width;
    for (std::int64_t first = 0; first < out_width; first += kBlock) {
      const std::int64_t count = std::min(kBlock, out_width - first);
      T* out = output + oh * out_width + first;
      for (std::int64_t i = 0; i < count; ++i) {
        const std::int64_t left = kWindow * (first + i);
        const T b = value(upper[left + 1]), c = value(lower[left]), d = value(lower[left + 1]);
        T best = value(upper[left]);
        std::int32_t won = 0;
        consider(b, 1, best, won);
        consider(c, 2, best, won);
        consider(d, 3, best, won);
        out[i] = best;
        corner[i] = won;
      }
      std::int64_t* where = indices + oh * out_width + first;
      for (std::int64_t i = 0; i < count; ++i) {
        where[i] = top + kWindow * (first + i) + (corner[i] & 1) + (corner[i] >> 1) * width;
      }
    }
  }
}

// Input values a parallel task takes at least, so small layers stay on one thread.
constexpr std::int64_t kValuesPerTask = 1 << 14;

// A task is whole planes, at least kValuesPerTask input values.
inline std::int64_t planes_per_task(std::int64_t plane_size) {
  return std::max<std::int64_t>(1, kValuesPerTask / std::max<std::int64_t>(1, plane_size));
}

}  // namespace gcbench::pool_windows
