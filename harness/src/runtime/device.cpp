#include "runtime/device.hpp"

#include <fmt/format.h>
#include <torch/cuda.h>

#include <regex>
#include <stdexcept>

#include "record/provenance.hpp"

#if GCBENCH_WITH_CUDA
#include <ATen/cuda/CUDAContext.h>
#endif

namespace gcbench {

namespace {

bool cuda_built() {
#if GCBENCH_WITH_CUDA
  return true;
#else
  return false;
#endif
}

}  // namespace

std::string device_problem(const std::string& requested) {
  static const std::regex form("auto|cpu|cuda(:[0-9]{1,3})?");
  if (!std::regex_match(requested, form)) {
    return fmt::format("'runtime.device' is \"{}\"; use \"auto\", \"cpu\", \"cuda\" or \"cuda:N\" (N a GPU index)", requested);
  }
  if (requested == "auto" || requested == "cpu") return "";
  if (!cuda_built() || !torch::cuda::is_available()) {
    return fmt::format("'runtime.device' is \"{}\", but {}; use \"cpu\" or \"auto\", or build gcbench against a CUDA "
                       "LibTorch (README, \"Long suites\": GPUs)",
                       requested,
                       cuda_built() ? "no GPU is visible to this process (check CUDA_VISIBLE_DEVICES and the driver)"
                                    : "this gcbench is built against a LibTorch without CUDA");
  }
  const auto colon = requested.find(':');
  const long index = colon == std::string::npos ? 0 : std::stol(requested.substr(colon + 1));
  const auto count = static_cast<long>(torch::cuda::device_count());
  if (index >= count) {
    return fmt::format("'runtime.device' is \"{}\", but this process sees {} GPU{} (cuda:0 .. cuda:{})", requested,
                       count, count == 1 ? "" : "s", count - 1);
  }
  return "";
}

c10::Device resolve_device(const std::string& requested) {
  if (const auto problem = device_problem(requested); !problem.empty()) throw std::invalid_argument(problem);
  if (requested == "cpu") return c10::Device(c10::kCPU);
  if (requested == "auto") {
    return cuda_built() && torch::cuda::is_available() ? c10::Device(c10::kCUDA, 0) : c10::Device(c10::kCPU);
  }
  if (requested == "cuda") return c10::Device(c10::kCUDA, 0);
  return c10::Device(requested);
}

std::string device_name(const c10::Device& device) {
  if (device.is_cpu()) return "cpu";
  return device.str();
}

std::string device_model(const c10::Device& device) {
#if GCBENCH_WITH_CUDA
  if (device.is_cuda()) return at::cuda::getDeviceProperties(device.index())->name;
#endif
  if (device.is_cpu()) return cpu_model();
  return "unknown";
}

c10::Device device_of(Network& network) {
  const auto parameters = network.embedding->parameters();
  return parameters.empty() ? c10::Device(c10::kCPU) : parameters.front().device();
}

void move_network(Network& network, const c10::Device& device) {
  network.embedding->to(device);
  network.head->to(device);
}

}  // namespace gcbench
