// Where a result came from: versions, revision, machine.
#pragma once

#include <string>

#include "record/run_record.hpp"

namespace gcbench {

std::string gcbench_version();
std::string git_revision();  // "<sha>[-dirty]" at build time, or "unknown"
std::string libtorch_version();
std::string cpu_model();        // /proc/cpuinfo's "model name", or "unknown"
std::string blas_library();     // from LibTorch's build config (BLAS_INFO), or "unknown"
std::string compiler_version(); // of the compiler that built gcbench, e.g. "GCC 12.2.0"

// What the LibTorch this process runs was built with, from its build configuration.
struct LibTorchBuild {
  bool cuda = false;
  std::string cuda_version;   // e.g. "13.2"; "" without CUDA
  std::string cudnn_version;  // e.g. "9.26.0"; "" without cuDNN
};
LibTorchBuild libtorch_build();

// Versions, revision, host, CPU, BLAS, compiler, threads and cores; the plugins are the runner's to fill in.
Provenance machine_provenance(int threads);

// UTC, e.g. "2026-11-29T01:02:03Z"; `compact` gives "20261129T010203Z" for folder names.
std::string utc_timestamp(bool compact = false);

}  // namespace gcbench
