#include "gcbench/sdk/backward_passes.hpp"

#include <ATen/ATen.h>
#include <c10/core/GradMode.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/engine.h>
#include <torch/csrc/autograd/variable.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

namespace gcbench {

std::int64_t copies_to_fill(std::int64_t batch, std::int64_t images_per_pass, std::int64_t most_copies, std::int64_t seeds) {
  const std::int64_t filling = (images_per_pass + batch - 1) / batch;
  return std::clamp<std::int64_t>(std::min(most_copies, filling), 1, std::max<std::int64_t>(seeds, 1));
}

BackwardPasses::BackwardPasses(const EmbeddingFunction& f, const at::Tensor& inputs, std::int64_t seeds, std::int64_t copies,
                               bool create_graph)
    : batch_(inputs.size(0)), seeds_(seeds), copies_(copies), create_graph_(create_graph) {
  if (copies < 1 || seeds < 1) {
    throw std::invalid_argument("BackwardPasses needs at least one copy and one seed (got " + std::to_string(copies) +
                                " copies, " + std::to_string(seeds) + " seeds)");
  }
  c10::AutoGradMode enable_grad(true);
  std::vector<std::int64_t> repeats(inputs.dim(), 1);
  repeats[0] = copies;
  inputs_ = (copies == 1 ? inputs.detach() : inputs.detach().repeat(repeats)).requires_grad_(true);
  outputs_ = f(inputs_);
}

std::int64_t BackwardPasses::next_count() const { return std::min(copies_, seeds_ - taken_); }

at::Tensor BackwardPasses::padded(const at::Tensor& rows) const {
  const std::int64_t count = next_count();
  if (count <= 0) throw std::logic_error("BackwardPasses::next after the last seed");
  if (rows.size(0) != count * batch_) {
    throw std::invalid_argument("BackwardPasses::next takes " + std::to_string(count) + " seeds of " + std::to_string(batch_) +
                                " rows, and was given " + std::to_string(rows.size(0)) + " rows");
  }
  if (count == copies_) return rows;
  return at::cat({rows, at::zeros({(copies_ - count) * batch_, outputs_.size(1)}, outputs_.options())});
}

at::Tensor BackwardPasses::finished_pass(const at::Tensor& grad, std::int64_t count) {
  taken_ += count;
  ++passes_;
  return count < copies_ ? grad.slice(0, 0, count * batch_) : grad;
}

at::Tensor BackwardPasses::next(const at::Tensor& rows) {
  const auto seed_rows = padded(rows);
  const std::int64_t count = next_count();
  const bool keep_graph = create_graph_ || taken_ + count < seeds_;
  c10::AutoGradMode enable_grad(true);
  return finished_pass(torch::autograd::grad({outputs_}, {inputs_}, {seed_rows}, keep_graph, create_graph_)[0], count);
}

at::Tensor BackwardPasses::next_at(const at::Tensor& rows, const torch::autograd::Edge& at) {
  const auto seed_rows = padded(rows);
  const std::int64_t count = next_count();
  const bool keep_graph = create_graph_ || taken_ + count < seeds_;
  c10::AutoGradMode enable_grad(true);
  const auto captured = torch::autograd::Engine::get_default_engine().execute({torch::autograd::impl::gradient_edge(outputs_)},
                                                                              {seed_rows}, keep_graph, create_graph_,
                                                                              /*accumulate_grad=*/false, {at});
  if (captured.empty() || !captured[0].defined()) {
    throw std::invalid_argument(
        "BackwardPasses::next_at: the edge given is not on the way from f's outputs to its input; pass an edge of "
        "this pass's graph, such as InputProduct::find(passes.outputs(), passes.inputs())->output_edge()");
  }
  return finished_pass(captured[0], count);
}

}  // namespace gcbench
