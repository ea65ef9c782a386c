#include "bench/flop_count.hpp"

#include <ATen/record_function.h>

#include <cstring>

namespace gcbench {

namespace {

thread_local double counted = 0.0;

double product(c10::IntArrayRef sizes) {
  double p = 1.0;
  for (const auto s : sizes) p *= static_cast<double>(s);
  return p;
}

// aten::convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups)
double convolution_flops(const c10::ArrayRef<const c10::IValue>& in) {
  if (in.size() < 9 || !in[0].isTensor() || !in[1].isTensor()) return 0.0;
  const auto input = in[0].toTensor().sizes();
  const auto weight = in[1].toTensor().sizes();  // [out, in / groups, k...]
  if (input.size() < 3 || weight.size() != input.size()) return 0.0;
  const auto stride = in[3].toIntVector(), padding = in[4].toIntVector(), dilation = in[5].toIntVector();
  double outputs = static_cast<double>(input[0]) * static_cast<double>(weight[0]);
  for (std::size_t d = 2; d < input.size(); ++d) {
    const std::size_t i = d - 2;
    const auto s = stride.size() > i ? stride[i] : 1, p = padding.size() > i ? padding[i] : 0,
               dl = dilation.size() > i ? dilation[i] : 1;
    const std::int64_t extent = (input[d] + 2 * p - dl * (weight[d] - 1) - 1) / s + 1;  // floor, as the convolution's
    outputs *= static_cast<double>(extent);
  }
  return 2.0 * outputs * product(weight.slice(1));  // each output: in/groups x kernel multiply-adds
}

std::unique_ptr<at::ObserverContext> on_operator(const at::RecordFunction& fn) {
  const char* name = fn.name();
  const auto in = fn.inputs();
  if (std::strcmp(name, "aten::convolution") == 0) {
    counted += convolution_flops(in);
  } else if ((std::strcmp(name, "aten::mm") == 0 || std::strcmp(name, "aten::bmm") == 0) && in.size() >= 2 && in[0].isTensor() &&
             in[1].isTensor()) {
    const auto a = in[0].toTensor().sizes(), b = in[1].toTensor().sizes();
    counted += 2.0 * product(a) * static_cast<double>(b.back());
  } else if (std::strcmp(name, "aten::addmm") == 0 && in.size() >= 3 && in[1].isTensor() && in[2].isTensor()) {
    const auto a = in[1].toTensor().sizes(), b = in[2].toTensor().sizes();
    counted += 2.0 * product(a) * static_cast<double>(b.back());
  }
  return nullptr;
}

}  // namespace

double count_flops(const std::function<void()>& work) {
  counted = 0.0;
  const auto handle =
      at::addThreadLocalCallback(at::RecordFunctionCallback(on_operator).needsInputs(true).scopes({at::RecordScope::FUNCTION}));
  try {
    work();
  } catch (...) {
    at::removeCallback(handle);
    throw;
  }
  at::removeCallback(handle);
  return counted;
}

}  // namespace gcbench
