#include "measure/frozen_parameters.hpp"

namespace gcbench {

FrozenParameters::FrozenParameters(const torch::nn::Module& module) {
  for (auto parameter : module.parameters(/*recurse=*/true)) {
    if (!parameter.requires_grad()) continue;
    parameter.requires_grad_(false);
    frozen_.push_back(parameter);
  }
}

FrozenParameters::~FrozenParameters() {
  for (auto& parameter : frozen_) parameter.requires_grad_(true);
}

}  // namespace gcbench
