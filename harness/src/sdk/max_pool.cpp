#include "gcbench/sdk/max_pool.hpp"

#include <ATen/ATen.h>
#include <ATen/Dispatch.h>
#include <torch/csrc/autograd/custom_function.h>

#include "parallel_kernels.hpp"
#include "pool_windows.hpp"

#include <cstdint>
#include <utility>

namespace gcbench {
namespace {

using pool_windows::kWindow;

// Values and indices (into each plane, as max_pool2d_with_indices gives them).
std::pair<at::Tensor, at::Tensor> pool_with_indices(const at::Tensor& input) {
  const auto height = input.size(-2), width = input.size(-1);
  auto out_sizes = input.sizes().vec();
  out_sizes[out_sizes.size() - 2] = height / kWindow;
  out_sizes[out_sizes.size() - 1] = width / kWindow;
  auto output = at::empty(out_sizes, input.options());
  auto indices = at::empty(out_sizes, input.options().dtype(at::kLong));
  const std::int64_t plane_in = height * width, plane_out = (height / kWindow) * (width / kWindow);
  AT_DISPATCH_FLOATING_TYPES(input.scalar_type(), "gcbench::max_pool_2x2", [&] {
    const auto* in = input.data_ptr<scalar_t>();
    auto* out = output.data_ptr<scalar_t>();
    auto* where = indices.data_ptr<std::int64_t>();
    const auto same = [](scalar_t v) { return v; };
    at::parallel_for(
        0, input.numel() / plane_in, pool_windows::planes_per_task(plane_in), [&](std::int64_t begin, std::int64_t end) {
          for (std::int64_t p = begin; p < end; ++p) {
            pool_windows::pool_plane(in + p * plane_in, height, width, out + p * plane_out, where + p * plane_out, same);
          }
        });
  });
  return {output, indices};
}

class MaxPool2x2Function : public torch::autograd::Function<MaxPool2x2Function> {
 public:
  static at::Tensor forward(torch::autograd::AutogradContext* context, const at::Tensor& input) {
    auto [output, indices] = pool_with_indices(input);
    context->save_for_backward({input, indices});
    return output;
  }

  // LibTorch's own backward on the same indices. A hand-written one (each pair of
  // rows zeroed and scattered while in cache) measured no faster in a training step.
  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* context,
                                               torch::autograd::tensor_list gradients) {
    const auto saved = context->get_saved_variables();
    return {at::max_pool2d_with_indices_backward(gradients[0], saved[0], {kWindow, kWindow}, {kWindow, kWindow}, {0, 0}, {1, 1},
                                                 false, saved[1])};
  }
};

bool covered(const at::Tensor& images) {
  return images.device().is_cpu() && (images.scalar_type() == at::kFloat || images.scalar_type() == at::kDouble) &&
         (images.dim() == 3 || images.dim() == 4) && images.is_contiguous() && images.size(-2) >= kWindow &&
         images.size(-1) >= kWindow && images.numel() > 0;
}

}  // namespace

at::Tensor max_pool_2x2(const at::Tensor& images) {
  if (!covered(images)) return at::max_pool2d(images, {kWindow, kWindow});
  return MaxPool2x2Function::apply(images);
}

}  // namespace gcbench
