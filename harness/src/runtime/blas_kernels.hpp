// Which kernels the BLAS runs, and whether they use the CPU's vector units.
//
// OpenBLAS (Debian's libblas.so.3) picks its kernels by the CPU's model number
// when it loads. A model newer than the OpenBLAS falls back to Prescott, SSE3
// alone: Debian 12's 0.3.21 on a 5th-generation Xeon (family 6, model 207, in a
// VM) ran a 1024^3 SGEMM at 51 GFLOP/s on 2 threads, and at 200 with
// OPENBLAS_CORETYPE=SkylakeX. Every linear layer, the linear probe and the NC
// family go through it; convolutions do not (oneDNN picks its own).
#pragma once

#include <string>

namespace gcbench {

// The CPU's vector units, as cpuid reports them to this process.
struct VectorUnits {
  bool avx = false;
  bool avx2_fma = false;
  bool avx512 = false;  // F, BW, DQ and VL: what OpenBLAS's SkylakeX kernels use
};
VectorUnits vector_units();

// The kernels OpenBLAS chose ("Haswell", "SkylakeX", "Prescott"), "" when this
// process's BLAS is not OpenBLAS (the pip torch's MKL, say).
std::string openblas_core();
// The kernels as machine and bench files name them: "OpenBLAS Prescott", or "not OpenBLAS's".
std::string blas_kernels();

// The OPENBLAS_CORETYPE that uses `cpu`'s vector units, when `core` is one of
// OpenBLAS's pre-AVX fallbacks; "" when `core` already uses AVX, is a name this
// gcbench does not know (a newer OpenBLAS's), or the CPU has no AVX to gain.
std::string better_openblas_core(const std::string& core, const VectorUnits& cpu);

// A warning that names the variable to set and why, or "" when the kernels are
// fine, the BLAS is not OpenBLAS, or OPENBLAS_CORETYPE is already set.
std::string blas_kernel_advice();

}  // namespace gcbench
