// Input gradients of many output seeds over one forward pass: the way a GC
// estimator takes its Jacobian-vector products. The batch goes forward once,
// replicated `copies` times; each backward pass over that one graph seeds every
// copy with its own output gradient, so `seeds` seeds take ceil(seeds / copies)
// passes. Replication buys no arithmetic back (each copy runs the same forward
// again, and each seed costs its share of a backward pass either way); it pays
// only while the batch is too small to fill a kernel, which copies_to_fill says.
//
//   gcbench::BackwardPasses passes(f, inputs, probes, gcbench::copies_to_fill(batch, 8, 8, probes));
//   while (!passes.done()) {
//     const auto rows = v.slice(0, passes.seeds_taken() * batch, (passes.seeds_taken() + passes.next_count()) * batch);
//     const auto grad = passes.next(rows);  // [count * batch, ...input], seed by seed
//   }
#pragma once

#include <ATen/core/Tensor.h>
#include <torch/csrc/autograd/edge.h>

#include <cstdint>

#include "gcbench/sdk/gc_estimator.hpp"

namespace gcbench {

// Copies of a batch of `batch` examples for one pass: as many as fill it to
// `images_per_pass` examples, at most `most_copies`, at least 1, and no more
// than there are `seeds` to take.
std::int64_t copies_to_fill(std::int64_t batch, std::int64_t images_per_pass, std::int64_t most_copies, std::int64_t seeds);

class BackwardPasses {
 public:
  // Sends `inputs` (detached: gradients are taken w.r.t. this copy of them)
  // forward through f, replicated `copies` times, with autograd enabled. With
  // `create_graph` each gradient can be differentiated again (a GC penalty).
  BackwardPasses(const EmbeddingFunction& f, const at::Tensor& inputs, std::int64_t seeds, std::int64_t copies,
                 bool create_graph = false);

  // f's outputs, [copies * batch, D]; copy j is rows j * batch onwards.
  const at::Tensor& outputs() const { return outputs_; }
  // The replicated inputs that went forward, the leaf gradients are taken for.
  const at::Tensor& inputs() const { return inputs_; }
  std::int64_t copies() const { return copies_; }
  std::int64_t seeds_taken() const { return taken_; }
  // The seeds the next pass takes: min(copies, seeds left).
  std::int64_t next_count() const;
  bool done() const { return taken_ >= seeds_; }
  std::int64_t passes_taken() const { return passes_; }

  // One backward pass: `rows` are the next next_count() seeds' output
  // gradients, [count * batch, D], seed by seed; copies past them get none.
  // Returns their input gradients, [count * batch, ...input]. The last pass
  // frees the graph (unless create_graph).
  at::Tensor next(const at::Tensor& rows);
  // The same pass, stopped where `at` receives its gradient (an edge inside
  // f's graph, such as InputProduct::output_edge()): returns that gradient.
  at::Tensor next_at(const at::Tensor& rows, const torch::autograd::Edge& at);

 private:
  at::Tensor padded(const at::Tensor& rows) const;                       // the seeds of a pass, copies past them zero
  at::Tensor finished_pass(const at::Tensor& grad, std::int64_t count);  // counts the pass, drops the padding

  at::Tensor inputs_, outputs_;
  std::int64_t batch_, seeds_, copies_;
  bool create_graph_;
  std::int64_t taken_ = 0, passes_ = 0;
};

}  // namespace gcbench
