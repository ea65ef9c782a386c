// A convolution followed by batch norm, which in evaluation mode runs as one
// convolution with the norm folded into its weights and bias:
//
//   gcbench::ConvBatchNorm layer1_{conv1_, bn1_};   // beside the registered modules
//   ...
//   x = layer1_(x).relu_();                         // what bn1_(conv1_(x)) computes
//
// Why: with running statistics, batch norm is a per-channel affine map, so
// scale * conv(x, W) + shift = conv(x, scale * W) + shift. The folded network
// skips batch norm's pass over every activation in the forward and, more
// often, in each backward: exact GC sends one backward pass per embedding
// dimension through the same graph, Hutchinson one per pass of probes.
//
// It folds only where the result is the same function with the same gradient
// w.r.t. x: the norm in evaluation mode with running statistics, a zero-padded
// convolution, and no gradient wanted for the modules' parameters (grad mode
// off, or none of them requiring one; the harness freezes the parameters while
// it measures GC). Anywhere else (training, a GC penalty's parameter gradients,
// eval-mode fine-tuning) it is norm->forward(conv->forward(x)), bit for bit.
// Folded results equal the two apart to float rounding (the folded weights are
// computed in double and rounded once).
//
// The folded weights are kept until a parameter or running statistic changes
// (an in-place update, a load, a move to another device, a forward in training,
// through this object or not): checked on each call by the tensors' version
// counters and storage. A call in training mode drops them, so a training step
// holds no second copy of the weights.
//
// Each convolution runs in its input's memory layout (contiguous or
// channels-last): weights in the other layout (sdk/channels_last.hpp) are
// copied for the call, in the graph, as LibTorch copies contiguous weights for
// a channels-last input. So a network whose weights lie channels-last still
// runs a GC penalty's contiguous step in contiguous memory.
#pragma once

#include <ATen/core/Tensor.h>

#include <array>
#include <cstdint>
#include <memory>

// Declared, not included: every plugin includes this header through plugin.hpp.
namespace torch::nn {
class Conv2d;
class Conv2dImpl;
class BatchNorm2d;
class BatchNorm2dImpl;
}  // namespace torch::nn

namespace gcbench {

class ConvBatchNorm {
 public:
  // Holds the two modules (shared, as the plugin registered them), not copies.
  ConvBatchNorm(const torch::nn::Conv2d& conv, const torch::nn::BatchNorm2d& norm);

  at::Tensor operator()(const at::Tensor& x);

  // conv->forward(x) alone, for a network that applies the norm by other means
  // in training (conv4 and VGG: gcbench::batch_norm_max_pool_relu); in training
  // it drops the folded weights, as operator() does.
  at::Tensor convolution(const at::Tensor& x);

  // Whether the last call ran the folded convolution (for tests and benchmarks).
  bool folded_last_call() const { return folded_last_call_; }

 private:
  struct Stamp {
    const void* data = nullptr;
    std::int64_t version = -1;
  };
  // The convolution's weight and bias; the norm's weight, bias, running statistics and
  // batch count (batch norm's kernels move the statistics without a version bump; the count has one).
  static constexpr std::size_t kStamped = 7;

  bool can_fold() const;
  std::array<Stamp, kStamped> stamps() const;
  void refold();

  std::shared_ptr<torch::nn::Conv2dImpl> conv_;
  std::shared_ptr<torch::nn::BatchNorm2dImpl> norm_;
  at::Tensor weight_, bias_;  // folded; undefined while nothing is folded
  std::array<Stamp, kStamped> folded_from_{};
  bool folded_last_call_ = false;
};

}  // namespace gcbench
