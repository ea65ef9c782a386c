// Random tensors fixed by a seed and the same on every device: each draw is
// made on the CPU from one generator seeded with `seed`, then moved to the
// device the caller names. A GC estimator that draws through it gives the same
// estimate for the same seed whether the harness runs on the CPU or a GPU.
#pragma once

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>
#include <c10/core/TensorOptions.h>

#include <cstdint>

namespace gcbench {

class SeededRandom {
 public:
  explicit SeededRandom(std::uint64_t seed);

  // Standard normal entries, of options' dtype, on options' device.
  at::Tensor normal(at::IntArrayRef sizes, const at::TensorOptions& options);
  // +1 or -1 with equal probability.
  at::Tensor rademacher(at::IntArrayRef sizes, const at::TensorOptions& options);
  // Uniform on [0, 1).
  at::Tensor uniform(at::IntArrayRef sizes, const at::TensorOptions& options);
  // A random permutation of 0 .. n-1 (int64).
  at::Tensor permutation(std::int64_t n, const at::TensorOptions& options);

 private:
  at::Generator generator_;
};

}  // namespace gcbench
