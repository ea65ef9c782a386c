// Facts about the machine and the LibTorch this process runs on, as records
// and benchmark files name them.
#pragma once

#include <string>

namespace gcbench {

std::string libtorch_version();
std::string cpu_model();         // /proc/cpuinfo's "model name", or "unknown"
std::string blas_library();      // from LibTorch's build config (BLAS_INFO), or "unknown"
std::string compiler_version();  // of the compiler that built gcbench, e.g. "GCC 12.2.0"
std::string allocator_name();    // the malloc this process runs: "tcmalloc", "jemalloc" or "glibc"
std::string host_name();         // gethostname's, or "" when it fails

// What the LibTorch this process runs was built with, from its build configuration.
struct LibTorchBuild {
  bool cuda = false;
  std::string cuda_version;   // e.g. "13.2"; "" without CUDA
  std::string cudnn_version;  // e.g. "9.26.0"; "" without cuDNN
};
LibTorchBuild libtorch_build();

}  // namespace gcbench
