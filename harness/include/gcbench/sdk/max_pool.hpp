// 2x2 max-pooling with stride 2, for architecture plugins: what
// torch::nn::MaxPool2d(2) computes (the same values, the same gradients, to
// the bit) in a fraction of its time on the CPU.
//
//   features->push_back(gcbench::MaxPool2x2());   // for torch::nn::MaxPool2d(2)
//   auto pooled = gcbench::max_pool_2x2(x);       // for at::max_pool2d(x, 2)
//
// Why: LibTorch's CPU max-pool on contiguous (NCHW) tensors walks each window
// element by element with its index arithmetic, 1.13 and 2.x alike: about 11 ms
// for a [64, 64, 32, 32] batch on a 2-core Xeon, against 1 ms on channels-last
// tensors (a quarter of a conv4 training step). This one takes windows two rows
// at a time, one plane per task. Its gradient is LibTorch's own
// (max_pool2d_with_indices_backward, on the same indices), so double backward
// (a GC penalty) works as it does through MaxPool2d.
//
// Same results as MaxPool2d(2): the first maximum of a window in row order wins
// a tie, a NaN wins over numbers (the last NaN of a window, as LibTorch), an odd
// last row or column is left out. Tensors it does not cover (not on the CPU, not
// float or double, not contiguous, not 3-d or 4-d) go to at::max_pool2d.
#pragma once

#include <ATen/core/Tensor.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/pimpl.h>

#include <ostream>

namespace gcbench {

// [N, C, H, W] or [C, H, W] -> [.., H / 2, W / 2].
at::Tensor max_pool_2x2(const at::Tensor& images);

class MaxPool2x2Impl : public torch::nn::Cloneable<MaxPool2x2Impl> {
 public:
  void reset() override {}
  at::Tensor forward(const at::Tensor& images) { return max_pool_2x2(images); }
  void pretty_print(std::ostream& stream) const override { stream << "gcbench::MaxPool2x2"; }
};
TORCH_MODULE(MaxPool2x2);

}  // namespace gcbench
