// Whether this gcbench was compiled against a LibTorch with CUDA. A header of its
// own, free of LibTorch's headers, for code that only asks that.
#pragma once

namespace gcbench {

bool built_with_cuda();

}  // namespace gcbench
