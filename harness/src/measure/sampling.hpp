// The fixed samples a run measures on: the same indices for every run of a
// seed, so two runs compare on the same images.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace gcbench {

// The first `count` indices of a permutation of [0, n) fixed by `seed`, sorted.
at::Tensor fixed_sample(std::int64_t n, std::int64_t count, std::uint64_t seed);

// About `count` indices, the same share from every class (at least 2 each, so
// every class has a mean and a spread), fixed by `seed`, sorted.
at::Tensor stratified_sample(const at::Tensor& labels, std::int64_t count, std::uint64_t seed);

}  // namespace gcbench
