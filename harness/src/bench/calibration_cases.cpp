#include "bench/calibration_cases.hpp"

#include <ATen/core/Tensor.h>
#include <ATen/ops/conv2d.h>
#include <ATen/ops/matmul.h>
#include <ATen/ops/randn.h>
#include <benchmark/benchmark.h>

#include <functional>
#include <vector>

#include "bench/counted_case.hpp"

namespace gcbench {
namespace {

// Reading one element back waits for an asynchronous device (CUDA) to finish the kernel.
void finish(const at::Tensor& result) { benchmark::DoNotOptimize(result.flatten()[0].item<float>()); }

void gemm(benchmark::State& state, c10::Device device) {
  auto generator = at::make_generator<at::CPUGeneratorImpl>(0);
  const auto a = at::randn({512, 512}, generator).to(device);
  const auto b = at::randn({512, 512}, generator).to(device);
  finish(at::matmul(a, b));  // warm-up: first allocation, kernel selection
  for (auto _ : state) {
    CountedIteration counted;
    finish(at::matmul(a, b));
  }
  state.SetItemsProcessed(state.iterations() * 2 * 512 * 512 * 512);  // FLOPs
}

void convolution(benchmark::State& state, c10::Device device) {
  auto generator = at::make_generator<at::CPUGeneratorImpl>(0);
  const auto images = at::randn({16, 64, 32, 32}, generator).to(device);
  const auto weights = at::randn({64, 64, 3, 3}, generator).to(device);
  const auto forward = [&] { return at::conv2d(images, weights, {}, 1, 1); };
  finish(forward());
  for (auto _ : state) {
    CountedIteration counted;
    finish(forward());
  }
  state.SetItemsProcessed(state.iterations() * 2 * 16 * 64 * 64 * 9 * 32 * 32);  // FLOPs
}

}  // namespace

const std::vector<std::string>& calibration_case_names() {
  static const std::vector<std::string> names = {"calibration/gemm_512", "calibration/conv3x3_64"};
  return names;
}

void register_calibration_cases(c10::Device device) {
  const std::vector<void (*)(benchmark::State&, c10::Device)> bodies = {gemm, convolution};
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    register_counted_case(calibration_case_names()[i],
                          [body = bodies[i], device](benchmark::State& state) { body(state, device); });
  }
}

}  // namespace gcbench
