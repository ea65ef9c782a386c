#include "gcbench/sdk/class_split.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace gcbench {
namespace {

// splitmix64 (Steele, Lea and Flood 2014): a fixed, portable stream from one seed.
std::uint64_t next(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

ClassSplit random_class_split(std::int64_t pool, std::int64_t source_count, std::int64_t target_count, std::uint64_t seed) {
  if (source_count < 1 || target_count < 1 || source_count + target_count > pool) {
    throw std::invalid_argument("a random class split of " + std::to_string(source_count) + " source and " +
                                std::to_string(target_count) +
                                " target classes needs a pool of at least their sum; "
                                "the pool has " +
                                std::to_string(pool) + " classes");
  }
  std::vector<std::int64_t> classes(static_cast<std::size_t>(pool));
  std::iota(classes.begin(), classes.end(), 0);
  std::uint64_t state = seed;
  for (std::size_t i = classes.size() - 1; i > 0; --i) {
    // Rejection sampling keeps every permutation equally likely.
    const std::uint64_t bound = i + 1, limit = UINT64_MAX - UINT64_MAX % bound;
    std::uint64_t draw;
    do draw = next(state);
    while (draw >= limit);
    std::swap(classes[i], classes[draw % bound]);
  }
  ClassSplit split;
  split.source.assign(classes.begin(), classes.begin() + source_count);
  split.target.assign(classes.begin() + source_count, classes.begin() + source_count + target_count);
  std::sort(split.source.begin(), split.source.end());
  std::sort(split.target.begin(), split.target.end());
  return split;
}

}  // namespace gcbench
