// The neural-collapse family, from class statistics accumulated in float64 over
// batches (class means in a first pass, scatter in a second), so 100k x 640
// embeddings never need to be held at once.
//
//   CDNV  mean over pairs i < j of (Var_i + Var_j) / (2 ||mu_i - mu_j||^2)      (Galanti et al.)
//   NC1   Tr(Sigma_W Sigma_B^+) / C                                             (Papyan et al.)
//   NC2   equinorm: std / mean of ||mu_c - mu_G||; equiangularity: std of the
//         cosines between centred means; etf_distance: || M M^T / ||M M^T||_F
//         - (I - 11^T / C) / ||I - 11^T / C||_F ||_F
//   NC3   || W / ||W||_F - M / ||M||_F ||_F, W the classifier's weights         (source only)
//   NC4   fraction of examples whose prediction is their nearest class mean     (source only)
//
// mu_G is the mean of the class means, so unbalanced classes weigh equally.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <optional>

namespace gcbench {

struct NcMetrics {
  double cdnv = 0.0;
  at::Tensor cdnv_pairwise;  // float64 [C, C]
  double nc1 = 0.0;
  std::int64_t nc1_rank = 0;  // rank of Sigma_B kept by the pseudo-inverse's tolerance
  double nc2_equinorm = 0.0;
  double nc2_equiangularity = 0.0;
  double nc2_etf_distance = 0.0;
  std::optional<double> nc3;  // with classifier weights
  std::optional<double> nc4;  // with classifier predictions
};

class NcAccumulator {
 public:
  // The accumulators live on `device`, where the embeddings are.
  NcAccumulator(std::int64_t num_classes, std::int64_t dimension, at::Device device = at::kCPU);

  // Pass 1: every batch once. Then pass 2: every batch again, same order not required.
  void add_to_means(const at::Tensor& embeddings, const at::Tensor& labels);
  void add_to_scatter(const at::Tensor& embeddings, const at::Tensor& labels);
  // Pass 2 also counts nearest-class-mean agreement when predictions are given.
  void add_predictions(const at::Tensor& embeddings, const at::Tensor& predicted);

  // classifier_weights: [C, D], the head's weight matrix, for NC3.
  NcMetrics finish(const std::optional<at::Tensor>& classifier_weights = std::nullopt) const;

  at::Tensor class_means() const;  // float64 [C, D]; valid after pass 1

 private:
  const at::Tensor& frozen_means();  // pass 1's means, computed once when pass 2 starts

  std::int64_t classes_;
  std::int64_t dimension_;
  at::Tensor counts_;        // float64 [C]
  at::Tensor sums_;          // float64 [C, D]
  at::Tensor within_;        // float64 [D, D], sum of (x - mu_y)(x - mu_y)^T
  at::Tensor squared_dist_;  // float64 [C], sum of ||x - mu_y||^2
  at::Tensor means_;         // set by the first pass-2 call
  std::int64_t scatter_count_ = 0;
  std::int64_t agreements_ = 0;
  std::int64_t predictions_ = 0;
};

// All of the family for embeddings held in memory, in batches of `batch`.
NcMetrics nc_metrics(const at::Tensor& embeddings, const at::Tensor& labels, std::int64_t num_classes,
                     const std::optional<at::Tensor>& classifier_weights = std::nullopt,
                     const std::optional<at::Tensor>& predicted = std::nullopt, std::int64_t batch = 8192);

}  // namespace gcbench
