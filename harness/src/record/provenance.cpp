#include "record/provenance.hpp"

#include <ATen/Version.h>
#include <torch/version.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <regex>
#include <thread>

#include "record/build_info.hpp"

namespace gcbench {

std::string gcbench_version() { return build_info::kVersion; }
std::string git_revision() { return build_info::kGitRevision; }
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

std::string blas_library() {
  static const std::string blas = [] {
    const std::string config = at::show_config();
    std::smatch match;
    if (std::regex_search(config, match, std::regex("BLAS_INFO=([^,\\s]+)"))) return match[1].str();
    return std::string("unknown");
  }();
  return blas;
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

Provenance machine_provenance(int threads) {
  char host[256] = {};
  ::gethostname(host, sizeof(host) - 1);
  Provenance p;
  p.gcbench_version = gcbench_version();
  p.git_revision = git_revision();
  p.libtorch_version = libtorch_version();
  p.hostname = host;
  p.threads = threads;
  p.cores = std::thread::hardware_concurrency();
  p.cpu_model = cpu_model();
  p.blas = blas_library();
  p.compiler = compiler_version();
  return p;
}

std::string utc_timestamp(bool compact) {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof(text), compact ? "%Y%m%dT%H%M%SZ" : "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace gcbench
