// gcbench::for_each_graph_node: the walk GC estimators and checks read the autograd graph with.
#include <ATen/ATen.h>
#include <torch/csrc/autograd/function.h>
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "gcbench/sdk/autograd_graph.hpp"

TEST_CASE("for_each_graph_node visits every node behind a tensor once, shared ones included", "[sdk][autograd_graph]") {
  const auto x = at::randn({3}, at::kDouble).requires_grad_(true);
  const auto y = x.tanh();
  const auto z = y * y + y.exp();  // tanh's node is reached three times
  std::map<std::string, int> visits;
  gcbench::for_each_graph_node(z, [&visits](const gcbench::GraphNode& node) { ++visits[node->name()]; });
  CHECK(visits.size() == 5);  // add, mul, exp, tanh and x's gradient accumulator
  for (const auto& [name, count] : visits) {
    INFO(name);
    CHECK(count == 1);
  }
  CHECK(visits.count("torch::autograd::AccumulateGrad") == 1);
}

TEST_CASE("for_each_graph_node visits nothing behind a tensor without a graph", "[sdk][autograd_graph]") {
  int visits = 0;
  gcbench::for_each_graph_node(at::randn({3}), [&visits](const gcbench::GraphNode&) { ++visits; });
  gcbench::for_each_graph_node(at::randn({3}).requires_grad_(true), [&visits](const gcbench::GraphNode&) { ++visits; });
  CHECK(visits == 0);
}
