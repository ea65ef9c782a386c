// Source and target classes drawn at random from one pool of classes, the way
// CIFAR-FS and mini-ImageNet were made: both splits then come from the same
// distribution of classes, which the paper's bound on target NC relies on.
// A dataset whose classes can be re-split offers this as a `split_seed` option.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gcbench {

struct ClassSplit {
  std::vector<std::int64_t> source;  // sorted
  std::vector<std::int64_t> target;  // sorted, disjoint from source
};

// A permutation of 0 .. pool-1 fixed by `seed` (Fisher-Yates driven by
// splitmix64: the same split on every platform and standard library), whose
// first `source_count` classes are the source and next `target_count` the
// target. Throws std::invalid_argument when the counts do not fit the pool.
ClassSplit random_class_split(std::int64_t pool, std::int64_t source_count, std::int64_t target_count, std::uint64_t seed);

}  // namespace gcbench
