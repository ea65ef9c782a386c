#include "gcbench/sdk/autograd_graph.hpp"

#include <torch/csrc/autograd/function.h>

#include <unordered_set>
#include <vector>

namespace gcbench {

void for_each_graph_node(const at::Tensor& output, const std::function<void(const GraphNode&)>& visit) {
  std::vector<GraphNode> pending;
  if (output.grad_fn()) pending.push_back(output.grad_fn());
  std::unordered_set<const torch::autograd::Node*> seen;
  while (!pending.empty()) {
    const GraphNode node = std::move(pending.back());
    pending.pop_back();
    if (!seen.insert(node.get()).second) continue;
    visit(node);
    for (const auto& edge : node->next_edges()) {
      if (edge.function) pending.push_back(edge.function);
    }
  }
}

}  // namespace gcbench
