#include "gcbench/sdk/seeded_random.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/core/Tensor.h>
#include <ATen/ops/rand.h>
#include <ATen/ops/randint.h>
#include <ATen/ops/randn.h>
#include <ATen/ops/randperm.h>

namespace gcbench {

namespace {
at::TensorOptions on_cpu(const at::TensorOptions& options) { return options.device(at::kCPU); }
}  // namespace

SeededRandom::SeededRandom(std::uint64_t seed) : generator_(at::detail::createCPUGenerator(seed)) {}

at::Tensor SeededRandom::normal(at::IntArrayRef sizes, const at::TensorOptions& options) {
  return at::randn(sizes, generator_, on_cpu(options)).to(options.device());
}

at::Tensor SeededRandom::rademacher(at::IntArrayRef sizes, const at::TensorOptions& options) {
  return at::randint(0, 2, sizes, generator_, on_cpu(options)).mul_(2).sub_(1).to(options.device());
}

at::Tensor SeededRandom::uniform(at::IntArrayRef sizes, const at::TensorOptions& options) {
  return at::rand(sizes, generator_, on_cpu(options)).to(options.device());
}

at::Tensor SeededRandom::permutation(std::int64_t n, const at::TensorOptions& options) {
  return at::randperm(n, generator_, on_cpu(options).dtype(at::kLong)).to(options.device());
}

}  // namespace gcbench
