#include "gcbench/sdk/conv_batch_norm.hpp"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>  // NoGradGuard
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>

#include <variant>

namespace gcbench {
namespace {

bool wants_gradient(const at::Tensor& parameter) { return parameter.defined() && parameter.requires_grad(); }

// The options' variants are c10::variant on LibTorch 1.13 and std::variant on 2.x:
// with std's templates visible, argument-dependent lookup finds either.
using std::get_if;
using std::holds_alternative;

const torch::ExpandingArray<2>* explicit_padding(const torch::nn::detail::ConvNdOptions<2>& options) {
  return get_if<torch::ExpandingArray<2>>(&options.padding());
}

// LibTorch runs a convolution in channels-last memory when its input or its
// weight is channels-last, and copies the other into that layout. Here the
// input decides: channels-last weights (sdk/channels_last.hpp) meet a contiguous
// input (a GC penalty's step, whose double backward runs 1.4-2x slower in
// channels-last) as a contiguous copy, as contiguous weights meet channels-last
// input in LibTorch. The copy is in the graph, so gradients reach the weight.
at::Tensor in_layout_of(const at::Tensor& weight, const at::Tensor& x) {
  const auto layout = x.suggest_memory_format();
  return weight.suggest_memory_format() == layout ? weight : weight.clone(layout);
}

bool pads_with_zeros(const torch::nn::detail::ConvNdOptions<2>& options) {
  return explicit_padding(options) != nullptr && holds_alternative<torch::enumtype::kZeros>(options.padding_mode());
}

// The module's convolution (options whose padding pads_with_zeros) with this
// weight and bias: the trained ones, or the folded ones.
at::Tensor convolve(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                    const torch::nn::detail::ConvNdOptions<2>& c) {
  const auto w = x.dim() == 4 ? in_layout_of(weight, x) : weight;
  return at::conv2d(x, w, bias, *c.stride(), **explicit_padding(c), *c.dilation(), c.groups());
}

}  // namespace

ConvBatchNorm::ConvBatchNorm(const torch::nn::Conv2d& conv, const torch::nn::BatchNorm2d& norm)
    : conv_(conv.ptr()), norm_(norm.ptr()) {}

bool ConvBatchNorm::can_fold() const {
  const auto& n = norm_->options;
  const auto& c = conv_->options;
  if (norm_->is_training() || !n.track_running_stats()) return false;
  // Other padding modes pad before the convolution; "same" and "valid" padding is left to the module.
  if (!pads_with_zeros(c)) return false;
  // A cached fold has no graph to the parameters: fold only where none is wanted.
  const bool parameters_wanted = wants_gradient(conv_->weight) || wants_gradient(conv_->bias) || wants_gradient(norm_->weight) ||
                                 wants_gradient(norm_->bias);
  return !(at::GradMode::is_enabled() && parameters_wanted);
}

std::array<ConvBatchNorm::Stamp, ConvBatchNorm::kStamped> ConvBatchNorm::stamps() const {
  const auto stamp = [](const at::Tensor& t) { return t.defined() ? Stamp{t.data_ptr(), t._version()} : Stamp{}; };
  return {stamp(conv_->weight),
          stamp(conv_->bias),
          stamp(norm_->weight),
          stamp(norm_->bias),
          stamp(norm_->running_mean),
          stamp(norm_->running_var),
          stamp(norm_->num_batches_tracked)};
}

void ConvBatchNorm::refold() {
  torch::NoGradGuard no_grad;
  const auto as_double = [](const at::Tensor& t) { return t.to(at::kDouble); };
  auto scale = (as_double(norm_->running_var) + norm_->options.eps()).rsqrt();
  if (norm_->weight.defined()) scale = scale * as_double(norm_->weight);
  auto shift = -as_double(norm_->running_mean) * scale;
  if (norm_->bias.defined()) shift = shift + as_double(norm_->bias);
  if (conv_->bias.defined()) shift = shift + as_double(conv_->bias) * scale;
  const auto& w = conv_->weight;
  weight_ = (as_double(w) * scale.view({-1, 1, 1, 1})).to(w.scalar_type()).contiguous(w.suggest_memory_format());
  bias_ = shift.to(w.scalar_type());
  folded_from_ = stamps();
}

at::Tensor ConvBatchNorm::convolution(const at::Tensor& x) {
  folded_last_call_ = false;
  if (norm_->is_training()) {
    weight_ = bias_ = at::Tensor();  // a training step keeps no second copy of the weights
  }
  if (!pads_with_zeros(conv_->options) || x.dim() != 4) return conv_->forward(x);
  return convolve(x, conv_->weight, conv_->bias, conv_->options);
}

at::Tensor ConvBatchNorm::operator()(const at::Tensor& x) {
  if (!can_fold()) return norm_->forward(convolution(x));
  const auto now = stamps();
  bool current = weight_.defined();
  for (std::size_t i = 0; current && i < kStamped; ++i) {
    current = now[i].data == folded_from_[i].data && now[i].version == folded_from_[i].version;
  }
  if (!current) refold();
  folded_last_call_ = true;
  return convolve(x, weight_, bias_, conv_->options);
}

}  // namespace gcbench
