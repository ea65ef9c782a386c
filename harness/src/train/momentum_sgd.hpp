// SGD with momentum, then decoupled weight decay, as pretrain() steps them:
//
//   MomentumSgd sgd(parameters, /*momentum=*/0.9, /*nesterov=*/false);
//   sgd.zero_grad();  loss.backward();  sgd.step(lr, weight_decay);
//
// The values of torch::optim::SGD (dampening 0, no coupled weight decay)
// followed by `theta *= 1 - lr * weight_decay`, bit for bit: the same float
// operations in the same order (the buffer times momentum, rounded, plus the
// gradient; theta plus -lr times the direction in one fused multiply-add, as
// ATen's add with alpha; then the decay factor, rounded to float). What differs
// is the memory traffic. LibTorch zeroes each gradient, adds the next one into
// the zeros, then makes four passes of its own (buffer times momentum, plus the
// gradient, theta's update, the decay); here the gradients are dropped instead,
// so the backward writes them afresh, and the rest is one pass over theta, its
// gradient and its buffer, on CPU float and double tensors. Elsewhere (a GPU,
// another type) it is ATen's own operations in LibTorch's order.
#pragma once

#include <ATen/core/Tensor.h>

#include <vector>

namespace gcbench {

class MomentumSgd {
 public:
  MomentumSgd(std::vector<at::Tensor> parameters, double momentum, bool nesterov);

  // Drops every parameter's gradient: the next backward writes it afresh.
  void zero_grad();

  // One step on the gradients the last backward left; a parameter without one
  // is left alone, as torch::optim::SGD leaves it. weight_decay 0: no decay.
  void step(double lr, double weight_decay);

 private:
  std::vector<at::Tensor> parameters_;
  std::vector<at::Tensor> buffers_;  // momentum buffers, undefined until a parameter's first step
  double momentum_;
  bool nesterov_;
};

}  // namespace gcbench
