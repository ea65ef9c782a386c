#include "runtime/machine.hpp"

#include <ATen/Version.h>
#include <torch/version.h>
#include <unistd.h>

#include <fstream>
#include <regex>

namespace gcbench {

std::string libtorch_version() { return TORCH_VERSION; }

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
    }
  }
  return "unknown";
}

namespace {

// One setting of LibTorch's build configuration ("Build settings: BLAS_INFO=open,
// CUDA_VERSION=13.2, ..."), which every LibTorch prints the same way; "" when absent.
std::string build_setting(const std::string& name) {
  static const std::string config = at::show_config();
  std::smatch match;
  if (std::regex_search(config, match, std::regex(name + "=([^,\\s]+)"))) return match[1].str();
  return "";
}

}  // namespace

std::string blas_library() {
  static const std::string blas = [] {
    const std::string name = build_setting("BLAS_INFO");
    return name.empty() ? std::string("unknown") : name;
  }();
  return blas;
}

LibTorchBuild libtorch_build() {
  static const LibTorchBuild build = [] {
    LibTorchBuild b;
    const std::string use_cuda = build_setting("USE_CUDA");
    b.cuda = use_cuda == "ON" || use_cuda == "1";
    if (b.cuda) {
      b.cuda_version = build_setting("CUDA_VERSION");
      b.cudnn_version = build_setting("CUDNN_VERSION");
    }
    return b;
  }();
  return build;
}

std::string allocator_name() {
  // Linked or preloaded, a replacement malloc is one of the process's mapped libraries.
  std::ifstream maps("/proc/self/maps");
  for (std::string line; std::getline(maps, line);) {
    if (line.find("libtcmalloc") != std::string::npos) return "tcmalloc";
    if (line.find("libjemalloc") != std::string::npos) return "jemalloc";
  }
  return "glibc";
}

std::string compiler_version() {
#if defined(__clang__)
  return "Clang " __clang_version__;
#elif defined(__GNUC__)
  return "GCC " __VERSION__;
#else
  return "unknown";
#endif
}

std::string host_name() {
  char host[256] = {};
  if (::gethostname(host, sizeof(host) - 1) != 0) return "";
  return host;
}

}  // namespace gcbench
