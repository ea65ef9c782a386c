// Walking the autograd graph behind a tensor: what GC estimators and checks
// read from it (does the way back to the input pass a convolution, which
// parameters were used, where the input enters) without running it.
//
//   gcbench::for_each_graph_node(outputs, [&](const gcbench::GraphNode& node) {
//     if (node->name().find("Conv") != std::string::npos) convolves = true;
//   });
#pragma once

#include <ATen/core/Tensor.h>
#include <torch/csrc/autograd/edge.h>

#include <functional>

namespace gcbench {

// How the graph holds a node: std::shared_ptr in LibTorch 1.x, c10::intrusive_ptr in newer ones.
using GraphNode = decltype(torch::autograd::Edge::function);

// Calls `visit` once for every node reachable from `output`'s gradient
// function, that function included (none when `output` has no graph).
void for_each_graph_node(const at::Tensor& output, const std::function<void(const GraphNode&)>& visit);

}  // namespace gcbench
