// The fixed samples a run measures on: the same indices for every run of a
// seed, so two runs compare on the same images.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace gcbench {

// The purposes a run draws a fixed sample for, each from a stream of its own, so
// that a new purpose never moves another's sample. The values are the ones
// every record so far was measured with: changing one changes results.
enum class SampleStream : std::uint64_t {
  accuracy = 0xacc,      // the source-train images train accuracy is taken on
  gc = 0x6c,             // the source-train images GC is measured on
  trajectory_gc = 0x7a,  // the source-train images of the training trajectory's GC
  trajectory_nc = 0x7c,  // the source-test images of the training trajectory's NC
};

// The seed of `stream` in the run of `run_seed`.
constexpr std::uint64_t stream_seed(std::uint64_t run_seed, SampleStream stream) {
  return run_seed ^ static_cast<std::uint64_t>(stream);
}

// The first `count` indices of a permutation of [0, n) fixed by `seed`, sorted.
at::Tensor fixed_sample(std::int64_t n, std::int64_t count, std::uint64_t seed);

// About `count` indices, the same share from every class (at least 2 each, so
// every class has a mean and a spread), fixed by `seed`, sorted.
at::Tensor stratified_sample(const at::Tensor& labels, std::int64_t count, std::uint64_t seed);

}  // namespace gcbench
