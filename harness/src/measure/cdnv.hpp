// Class-distance normalised variance (Galanti et al.), the NC measure of the paper:
//   CDNV(i, j) = (Var_i + Var_j) / (2 ||mu_i - mu_j||^2),
// Var_c the mean squared distance of class c's embeddings to their mean, and
// NC the average of CDNV over class pairs i < j. Lower means more collapse.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace gcbench {

struct CdnvResult {
  double mean = 0.0;     // over pairs i < j
  at::Tensor pairwise;   // float64 [C, C], symmetric, zero diagonal
  at::Tensor variances;  // float64 [C]
};

// embeddings [N, D]; labels int64 [N] in 0 .. num_classes-1, every class present.
// Computed in float64. Throws std::invalid_argument for a class with no example.
CdnvResult cdnv(const at::Tensor& embeddings, const at::Tensor& labels, std::int64_t num_classes);

}  // namespace gcbench
