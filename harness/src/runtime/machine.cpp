#include "runtime/machine.hpp"

#include <ATen/Version.h>
#include <torch/version.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "util/file_digest.hpp"

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

std::string cpu_isa() {
  static const std::string isa = [] {
    static const std::regex dispatched("sse.*|ssse3|avx.*|fma|f16c|amx.*|asimd.*|sve.*");
    std::set<std::string> found;  // sorted, and once each when every core repeats its line
    std::ifstream in("/proc/cpuinfo");
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("flags", 0) != 0 && line.rfind("Features", 0) != 0) continue;
      const auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::istringstream words(line.substr(colon + 1));
      for (std::string word; words >> word;) {
        if (std::regex_match(word, dispatched)) found.insert(word);
      }
      break;  // the first core's: every core of one machine lists the same
    }
    std::string joined;
    for (const auto& word : found) joined += (joined.empty() ? "" : " ") + word;
    return joined.empty() ? std::string("unknown") : joined;
  }();
  return isa;
}

std::vector<std::string> math_libraries() {
  static const std::vector<std::string> libraries = [] {
    namespace fs = std::filesystem;
    static const std::regex math("lib(blas|lapack|openblas|mkl|gomp|omp|iomp).*\\.so.*");
    std::set<std::string> files;
    std::ifstream maps("/proc/self/maps");
    for (std::string line; std::getline(maps, line);) {
      const auto slash = line.find('/');
      if (slash == std::string::npos) continue;
      const fs::path file = line.substr(slash);
      if (std::regex_match(file.filename().string(), math)) files.insert(file.string());
    }
    std::set<std::string> named;
    for (const auto& file : files) {
      std::error_code error;
      const fs::path real = fs::canonical(file, error);
      const fs::path read = error ? fs::path(file) : real;
      std::string digest;
      try {
        digest = "sha256:" + sha256_of_file(read).substr(0, 16);
      } catch (const std::exception&) {
        digest = "unreadable";  // mapped, then deleted or replaced on disk
      }
      named.insert(read.filename().string() + " " + digest);
    }
    return std::vector<std::string>(named.begin(), named.end());
  }();
  return libraries;
}

std::vector<std::string> thread_environment() {
  std::vector<std::string> set;
  for (const char* name :
       {"GOTO_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS"}) {
    if (const char* value = std::getenv(name)) set.push_back(std::string(name) + "=" + value);
  }
  return set;
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
