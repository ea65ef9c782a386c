// Facts about the machine and the LibTorch this process runs on, as records
// and benchmark files name them.
#pragma once

#include <string>
#include <vector>

namespace gcbench {

std::string libtorch_version();
std::string cpu_model();     // /proc/cpuinfo's "model name", or "unknown"
std::string blas_library();  // from LibTorch's build config (BLAS_INFO), or "unknown"
// The instruction-set extensions math kernels choose their code by (SSE to
// AVX-512 and AMX, FMA, F16C on x86; ASIMD and SVE on Arm), as /proc/cpuinfo
// lists them, sorted and space-separated; "unknown" when it lists none. Two CPUs
// of one model name can differ here (a VM that hides AVX-512), and so can the
// kernels, and their rounding, that LibTorch and the BLAS pick.
std::string cpu_isa();
// The BLAS, LAPACK and OpenMP libraries this process has loaded, each as
// "<file name> sha256:<first 16 hex digits of its content>", sorted. By content,
// not path: Debian's libblas.so.3 is an alternative (OpenBLAS with OpenMP or
// pthreads, reference BLAS) switched under an unchanged LibTorch, and a pip
// wheel's copy lives under each user's own folder.
std::vector<std::string> math_libraries();
// The thread-count variables set for this process (OMP_, MKL_, OPENBLAS_,
// GOTO_NUM_THREADS), and OPENBLAS_CORETYPE, as "NAME=value", sorted: they set
// the BLAS's threads, which a run's `threads` does not show, and its kernels
// (runtime/blas_kernels.hpp).
std::vector<std::string> thread_environment();
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
