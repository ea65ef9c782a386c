#include "gcbench/sdk/input_product.hpp"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/engine.h>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/variable.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace gcbench {
namespace {

using torch::autograd::Node;

bool starts_with(const std::string& name, const char* prefix) { return name.rfind(prefix, 0) == 0; }

// Backward nodes that pass a gradient on with its values unchanged, only reshaped.
bool is_shape_change(const std::string& name) {
  return starts_with(name, "ViewBackward") || starts_with(name, "ReshapeAliasBackward") ||
         starts_with(name, "UnsafeViewBackward");
}

// The input index of a matrix product's left operand, whose gradient is
// dL/dh times the right operand: the same linear map for every example. -1 for
// any other node. addmm(bias, x, A) and mm(x, A), as a linear layer records them.
int left_operand(const std::string& name) {
  if (starts_with(name, "AddmmBackward")) return 1;
  if (starts_with(name, "MmBackward")) return 0;
  return -1;
}

struct Feeder {
  GraphNode node;
  std::uint32_t edge_index;
};

// For every node in the graph of `outputs`, the edges that lead into it.
std::unordered_map<const Node*, std::vector<Feeder>> feeders_of(const at::Tensor& outputs) {
  std::unordered_map<const Node*, std::vector<Feeder>> feeders;
  for_each_graph_node(outputs, [&feeders](const GraphNode& node) {
    const auto& edges = node->next_edges();
    for (std::uint32_t i = 0; i < edges.size(); ++i) {
      if (edges[i].function) feeders[edges[i].function.get()].push_back({node, i});
    }
  });
  return feeders;
}

}  // namespace

InputProduct::InputProduct(GraphNode product, torch::autograd::Edge input_side, std::int64_t rows, std::int64_t width,
                           std::int64_t features)
    : product_(std::move(product)), input_side_(std::move(input_side)), rows_(rows), width_(width), features_(features) {}

std::optional<InputProduct> InputProduct::find(const at::Tensor& outputs, const at::Tensor& inputs) {
  const auto input_edge = torch::autograd::impl::gradient_edge(inputs);
  if (!outputs.grad_fn() || !input_edge.function || inputs.dim() < 1 || inputs.size(0) < 1) return std::nullopt;
  const auto feeders = feeders_of(outputs);
  // Up from the input: each step must be the only edge into the node below it.
  const Node* below = input_edge.function.get();
  for (;;) {
    const auto found = feeders.find(below);
    if (found == feeders.end() || found->second.size() != 1) return std::nullopt;
    const Feeder& above = found->second.front();
    const std::string name = above.node->name();
    if (is_shape_change(name)) {
      below = above.node.get();
      continue;
    }
    if (left_operand(name) != static_cast<int>(above.edge_index) || above.node->num_inputs() != 1) return std::nullopt;
    // h's rows must be the examples, or a row of dL/dh would mix them.
    const auto h = above.node->input_metadata(0).zeros_like();
    if (h.dim() != 2 || h.size(0) != inputs.size(0)) return std::nullopt;
    return InputProduct(above.node, above.node->next_edge(above.edge_index), h.size(0), h.size(1),
                        inputs.numel() / inputs.size(0));
  }
}

bool InputProduct::pays(std::int64_t seed_rows) const {
  const double rows = static_cast<double>(rows_), width = static_cast<double>(width_), features = static_cast<double>(features_);
  const double extraction_rows = std::ceil(width / rows) * rows;
  return static_cast<double>(seed_rows) * (features - width) > (extraction_rows + width) * features;
}

at::Tensor InputProduct::gram() const {
  auto& engine = torch::autograd::Engine::get_default_engine();
  // Seeding h's rows with identity rows gives the rows of A^T, `rows_` at a time.
  std::vector<at::Tensor> rows_of_a_transposed;
  for (std::int64_t first = 0; first < width_; first += rows_) {
    const std::int64_t count = std::min(rows_, width_ - first);
    auto seeds = product_->input_metadata(0).zeros_like();
    seeds.narrow(0, 0, count).narrow(1, first, count).fill_diagonal_(1);
    const auto captured = engine.execute({output_edge()}, {seeds}, /*keep_graph=*/true, /*create_graph=*/false,
                                         /*accumulate_grad=*/false, {input_side_});
    rows_of_a_transposed.push_back(captured.at(0).narrow(0, 0, count).reshape({count, features_}));
  }
  const auto a_transposed = at::cat(rows_of_a_transposed);  // [width, features]
  return a_transposed.mm(a_transposed.t());
}

}  // namespace gcbench
