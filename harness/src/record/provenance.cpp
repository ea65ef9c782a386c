#include "record/provenance.hpp"

#include <torch/version.h>
#include <unistd.h>

#include <ctime>
#include <thread>

#include "record/build_info.hpp"

namespace gcbench {

std::string gcbench_version() { return build_info::kVersion; }
std::string git_revision() { return build_info::kGitRevision; }
std::string libtorch_version() { return TORCH_VERSION; }

nlohmann::json provenance(int threads) {
  char host[256] = {};
  ::gethostname(host, sizeof(host) - 1);
  return {{"gcbench_version", gcbench_version()},
          {"git_revision", git_revision()},
          {"libtorch_version", libtorch_version()},
          {"hostname", host},
          {"threads", threads},
          {"cores", std::thread::hardware_concurrency()}};
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
