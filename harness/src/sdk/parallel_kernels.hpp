// For every SDK source that splits its work with at::parallel_for. In
// LibTorch's OpenMP builds (Debian's 1.13, the pip wheels) that split is an
// inline template which runs the whole range on one thread unless the caller
// is compiled with OpenMP, silently; the build refuses instead.
#pragma once

#include <ATen/Config.h>
#include <ATen/Parallel.h>

#if AT_PARALLEL_OPENMP && !defined(_OPENMP)
#error "compile with OpenMP (link OpenMP::OpenMP_CXX): without it at::parallel_for runs on one thread in this LibTorch"
#endif
