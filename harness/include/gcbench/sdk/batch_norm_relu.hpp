// Batch norm then ReLU, with a residual added between them if given, as one
// operation in training: what norm(x) -> (+ residual) -> ReLU (or leaky ReLU)
// computes, with the batch statistics and the running statistics' update of
// torch::nn::BatchNorm2d, and the same gradients (double backward included).
//
//   y = gcbench::batch_norm_relu(conv1->forward(x), bn1);                   // relu(bn1(.))
//   y = gcbench::batch_norm_add_relu(conv2->forward(y), bn2, shortcut);     // relu(bn2(.) + shortcut)
//   y = gcbench::batch_norm_relu(conv->forward(x), norm, 0.1);              // leaky_relu(norm(.), 0.1)
//
// Why: apart, batch norm reads its input twice and writes its output, the sum
// reads it back with the residual and writes again, and ReLU reads and writes
// it once more; the backward repeats that in reverse, and LibTorch's
// channels-last batch-norm kernels are far from the memory's speed (9 ms for
// a [64, 64, 32, 32] forward and backward with ReLU, against 0.7 ms to copy
// it once, 2-core Xeon). Fused, the forward is one pass for the statistics and
// one that writes the activation; the backward one pass for its sums and one
// that writes the input's gradient (and the residual's).
//
// It fuses channels-last batches (a pixel's channels adjacent, so every pass
// runs across them) of float or double on the CPU, with the module in training
// mode with running statistics. Anywhere else it is the operations apart,
// bit for bit: norm->forward(x) (+ residual) then relu_ or leaky_relu_.
// Where a graph of the backward is wanted (a GC penalty's double backward),
// the backward is LibTorch's own operators, so that graph is theirs.
//
// Results equal the operations apart to float rounding, not to the bit: the
// batch statistics and the backward's sums are added in double, in fixed chunks
// in order, so they repeat to the bit whatever the thread count.
#pragma once

#include <ATen/core/Tensor.h>
#include <torch/nn/modules/batchnorm.h>

namespace gcbench {

// [N, C, H, W] -> [N, C, H, W], in x's memory layout. In training mode it
// updates `norm`'s running statistics and batch count, as norm->forward(x)
// does. negative_slope: 0 for ReLU, else leaky ReLU's slope (not negative).
at::Tensor batch_norm_relu(const at::Tensor& x, torch::nn::BatchNorm2d& norm, double negative_slope = 0.0);

// As batch_norm_relu, with `residual` (x's sizes and type) added after the
// norm and before the activation: a residual block's last step.
at::Tensor batch_norm_add_relu(const at::Tensor& x, torch::nn::BatchNorm2d& norm, const at::Tensor& residual,
                               double negative_slope = 0.0);

}  // namespace gcbench
