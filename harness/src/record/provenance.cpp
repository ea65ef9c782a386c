#include "record/provenance.hpp"

#include <ctime>
#include <thread>

#include <gcbench/sdk/abi.hpp>

#include "record/bench_file.hpp"
#include "record/build_info.hpp"

namespace gcbench {

std::string gcbench_version() { return build_info::kVersion; }
std::string git_revision() { return build_info::kGitRevision; }

nlohmann::json gcbench_identity() {
  return {{"program", "gcbench"},
          {"gcbench_version", gcbench_version()},
          {"git_revision", git_revision()},
          {"record_schema", kRunRecordSchemaVersion},
          {"paired_bench_format", kPairedFormat},
          {"plugin_abi", kAbiVersion},
          {"libtorch_version", libtorch_version()},
          {"libtorch_cuda_version", libtorch_build().cuda_version}};
}

Provenance machine_provenance(int threads) {
  Provenance p;
  p.gcbench_version = gcbench_version();
  p.git_revision = git_revision();
  p.libtorch_version = libtorch_version();
  const LibTorchBuild torch = libtorch_build();
  p.libtorch_cuda = torch.cuda;
  p.libtorch_cuda_version = torch.cuda_version;
  p.libtorch_cudnn_version = torch.cudnn_version;
  p.hostname = host_name();
  p.threads = threads;
  p.cores = std::thread::hardware_concurrency();
  p.cpu_model = cpu_model();
  p.blas = blas_library();
  p.cpu_isa = cpu_isa();
  p.math_libraries = math_libraries();
  p.thread_environment = thread_environment();
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
