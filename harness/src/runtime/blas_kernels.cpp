#include "runtime/blas_kernels.hpp"

#include <dlfcn.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>

namespace gcbench {
namespace {

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// OpenBLAS's x86 cores that use no AVX (its dynamic.c corename table): what a
// CPU model it does not know falls back to.
bool uses_no_avx(const std::string& core) {
  static constexpr std::array<const char*, 17> kPreAvx = {
      "unknown",    "katmai",  "coppermine", "northwood", "prescott",     "banias",    "atom", "core2", "penryn",
      "dunnington", "nehalem", "athlon",     "opteron",   "opteron_sse3", "barcelona", "nano", "bobcat"};
  const auto name = lowercase(core);
  return std::find(kPreAvx.begin(), kPreAvx.end(), name) != kPreAvx.end();
}

}  // namespace

VectorUnits vector_units() {
  VectorUnits units;
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  units.avx = __builtin_cpu_supports("avx");
  units.avx2_fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  units.avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
                 __builtin_cpu_supports("avx512vl");
#endif
  return units;
}

std::string openblas_core() {
  // Found only when the BLAS that LibTorch loaded is OpenBLAS: it exports this, MKL and the reference BLAS do not.
  using CoreName = char* (*)();
  const auto core_name = reinterpret_cast<CoreName>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
  if (core_name == nullptr) return "";
  const char* name = core_name();
  return name == nullptr ? "" : name;
}

std::string blas_kernels() {
  const auto core = openblas_core();
  return core.empty() ? "not OpenBLAS's" : "OpenBLAS " + core;
}

std::string better_openblas_core(const std::string& core, const VectorUnits& cpu) {
  if (!uses_no_avx(core)) return "";
  if (cpu.avx512) return "SkylakeX";
  if (cpu.avx2_fma) return "Haswell";
  if (cpu.avx) return "Sandybridge";
  return "";
}

std::string blas_kernel_advice() {
  if (std::getenv("OPENBLAS_CORETYPE") != nullptr) return "";
  const auto core = openblas_core();
  const auto better = better_openblas_core(core, vector_units());
  if (better.empty()) return "";
  return fmt::format(
      "OpenBLAS runs its {} kernels (no AVX): it does not know this CPU's model and fell back. Matrix products "
      "(linear layers, the linear probe, NC) run several times slower than this CPU allows; set "
      "OPENBLAS_CORETYPE={} in the environment before starting gcbench (records list it among the thread variables)",
      core, better);
}

}  // namespace gcbench
