#include "gcbench/sdk/channels_last.hpp"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>  // NoGradGuard
#include <torch/nn/module.h>

#include "gcbench/sdk/dataset.hpp"  // ImageShape

namespace gcbench {
namespace {

// By the strides LibTorch reads a layout from (suggest_memory_format), not by
// is_contiguous: a 1x1 kernel's contiguous weight is channels-last contiguous
// too, yet LibTorch takes it for contiguous and would copy it for each call.
void relayout(at::Tensor& tensor) {
  if (!tensor.defined() || tensor.dim() != 4 || tensor.suggest_memory_format() == at::MemoryFormat::ChannelsLast) return;
  tensor.set_data(tensor.clone(at::MemoryFormat::ChannelsLast));
}

}  // namespace

void to_channels_last(torch::nn::Module& module, const ImageShape& input) {
  if (input.channels == 1) return;
  torch::NoGradGuard no_grad;
  for (auto& parameter : module.parameters()) relayout(parameter);
  for (auto& buffer : module.buffers()) relayout(buffer);
}

bool channels_last_pays(std::int64_t height, std::int64_t width) { return height * width > 64; }

}  // namespace gcbench
