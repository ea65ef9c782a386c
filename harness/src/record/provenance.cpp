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
