#include "runtime/device.hpp"

#include <fmt/format.h>
#include <torch/cuda.h>

#include <cstdlib>
#include <regex>
#include <stdexcept>

#include "gcbench/sdk/architecture.hpp"
#include "runtime/machine.hpp"

#if GCBENCH_WITH_CUDA
#include <ATen/cuda/CUDAContext.h>
#endif

namespace gcbench {

namespace {

// What the user set, so the message points at the usual cause of an empty list.
std::string visible_devices_setting() {
  const char* visible = std::getenv("CUDA_VISIBLE_DEVICES");
  return visible ? fmt::format("CUDA_VISIBLE_DEVICES={}", visible) : std::string("CUDA_VISIBLE_DEVICES unset");
}

std::string no_visible_device() {
  return fmt::format(
      "no CUDA device visible ({}); check the driver (nvidia-smi) and CUDA_VISIBLE_DEVICES, or use "
      "\"cpu\" or \"auto\"",
      visible_devices_setting());
}

}  // namespace

bool built_with_cuda() {
#if GCBENCH_WITH_CUDA
  return true;
#else
  return false;
#endif
}

std::string device_form_problem(const std::string& requested) {
  static const std::regex form("auto|cpu|cuda(:[0-9]{1,3})?");
  if (std::regex_match(requested, form)) return "";
  return fmt::format("'runtime.device' is \"{}\"; use \"auto\", \"cpu\", \"cuda\" or \"cuda:N\" (N a GPU index)", requested);
}

std::string device_problem(const std::string& requested) {
  if (auto problem = device_form_problem(requested); !problem.empty()) return problem;
  if (requested == "auto" || requested == "cpu") return "";
  if (!built_with_cuda()) {
    return fmt::format(
        "'runtime.device' is \"{}\", but this gcbench is built against a LibTorch without CUDA; use "
        "\"cpu\" or \"auto\", or build gcbench against a CUDA LibTorch (README, \"Long suites\": GPUs)",
        requested);
  }
  if (!torch::cuda::is_available()) return fmt::format("'runtime.device' is \"{}\", but {}", requested, no_visible_device());
  const auto colon = requested.find(':');
  const long index = colon == std::string::npos ? 0 : std::stol(requested.substr(colon + 1));
  const auto count = static_cast<long>(torch::cuda::device_count());
  if (index >= count) {
    return fmt::format("'runtime.device' is \"{}\", but this process sees {} GPU{} (cuda:0 .. cuda:{}; {})", requested, count,
                       count == 1 ? "" : "s", count - 1, visible_devices_setting());
  }
  return "";
}

DeviceChoice choose_device(const std::string& requested) {
  if (const auto problem = device_problem(requested); !problem.empty()) throw std::invalid_argument(problem);
  DeviceChoice choice;
  choice.requested = requested;
  if (requested == "cpu") return choice;
  if (requested == "auto") {
    if (!built_with_cuda()) {
      choice.fallback = "this gcbench is built against a LibTorch without CUDA";
    } else if (!torch::cuda::is_available()) {
      choice.fallback = fmt::format("no CUDA device visible ({})", visible_devices_setting());
    } else {
      choice.device = c10::Device(c10::kCUDA, 0);
    }
    return choice;
  }
  choice.device = requested == "cuda" ? c10::Device(c10::kCUDA, 0) : c10::Device(requested);
  return choice;
}

c10::Device resolve_device(const std::string& requested) { return choose_device(requested).device; }

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
