// While it lives, no parameter of a module (and its submodules) requires grad;
// on exit each is as it was. GC is a derivative w.r.t. the input alone, so the
// harness measures it with the parameters frozen: gradients then stop at the
// input, and sdk/conv_batch_norm.hpp may fold batch norm into the convolutions
// before it (it folds only where no parameter gradient can be wanted).
#pragma once

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

#include <vector>

namespace gcbench {

class FrozenParameters {
 public:
  explicit FrozenParameters(const torch::nn::Module& module);
  ~FrozenParameters();
  FrozenParameters(const FrozenParameters&) = delete;
  FrozenParameters& operator=(const FrozenParameters&) = delete;

 private:
  std::vector<at::Tensor> frozen_;  // those that required grad on entry
};

}  // namespace gcbench
