// The matrix product by which a network's input enters it, when it enters by
// that product alone: f(x) = r(flatten(x) A), as in a fully connected first
// layer. Then J_f(x) = J_r(h) A^T with h = flatten(x) A, and
//   ||J_f(x)||_F^2 = sum over output directions v of (v J_r) G (v J_r)^T,
// G = A^T A, one [width x width] matrix for every example. A GC estimator can
// stop each backward pass at h, a width-column gradient, and skip the product
// with A^T, which is the widest of the pass where the input has more features
// than h has columns (3072 against 256 for mlp on 32x32 colour images).
//
//   const auto product = gcbench::InputProduct::find(passes.outputs(), passes.inputs());
//   if (product && product->pays(seed_rows)) {
//     const auto gram = product->gram();
//     const auto g = passes.next_at(rows, product->output_edge());  // [rows, width]
//     const auto squared_norms = (g.mm(gram) * g).sum(1);
//   }
//
// Found from f's autograd graph, so no architecture declares anything: the
// input's gradient must reach it through one edge, from shape changes alone
// (view, reshape), from the left operand of one matrix product (addmm, mm)
// whose rows are the examples. Anything else (a convolution first, the input
// used twice, scaled before the product) finds none, and the estimator takes
// input gradients as before.
#pragma once

#include <ATen/core/Tensor.h>
#include <torch/csrc/autograd/edge.h>

#include "gcbench/sdk/autograd_graph.hpp"

#include <cstdint>
#include <optional>

namespace gcbench {

class InputProduct {
 public:
  // The product in the graph of `outputs` through which `inputs` (a leaf that
  // requires grad, its first axis the examples) enter, or none.
  static std::optional<InputProduct> find(const at::Tensor& outputs, const at::Tensor& inputs);

  // Columns of h, and the input's features (rows of A).
  std::int64_t width() const { return width_; }
  std::int64_t features() const { return features_; }

  // Where a backward pass receives dL/dh: the edge into the product's node.
  torch::autograd::Edge output_edge() const { return torch::autograd::Edge(product_, 0); }

  // Whether stopping at h costs fewer multiply-adds than taking input
  // gradients, for passes of `seed_rows` rows in all (examples x seeds):
  // each row saves width x (features - width); G costs its extraction (passes
  // of the forward's rows, seeded with identity blocks) and its product.
  bool pays(std::int64_t seed_rows) const;

  // G = A^T A, [width, width], in h's dtype and device. Runs backward passes
  // from h over the graph of `outputs` and keeps that graph.
  at::Tensor gram() const;

 private:
  InputProduct(GraphNode product, torch::autograd::Edge input_side, std::int64_t rows, std::int64_t width, std::int64_t features);
  GraphNode product_;
  torch::autograd::Edge input_side_;  // the product's edge towards the input: receives dL/dflatten(x)
  std::int64_t rows_, width_, features_;
};

}  // namespace gcbench
