#include "measure/nc_metrics.hpp"

#include <ATen/ATen.h>

#include <cfloat>
#include <cmath>
#include <stdexcept>
#include <string>

namespace gcbench {

NcAccumulator::NcAccumulator(std::int64_t num_classes, std::int64_t dimension, at::Device device)
    : classes_(num_classes),
      dimension_(dimension),
      counts_(at::zeros({num_classes}, at::TensorOptions(at::kDouble).device(device))),
      sums_(at::zeros({num_classes, dimension}, counts_.options())),
      within_(at::zeros({dimension, dimension}, counts_.options())),
      squared_dist_(at::zeros({num_classes}, counts_.options())) {
  if (num_classes < 2) throw std::invalid_argument("NC metrics need at least 2 classes");
}

void NcAccumulator::add_to_means(const at::Tensor& embeddings, const at::Tensor& labels) {
  const auto y = labels.to(sums_.device(), at::kLong);
  counts_ += at::bincount(y, {}, classes_).to(at::kDouble);
  sums_.index_add_(0, y, embeddings.to(at::kDouble));
}

at::Tensor NcAccumulator::class_means() const {
  const auto empty = counts_.eq(0).nonzero();
  if (empty.numel() > 0) {
    throw std::invalid_argument("NC metrics: class " + std::to_string(empty[0][0].item<std::int64_t>()) + " has no examples");
  }
  return sums_ / counts_.unsqueeze(1);
}

const at::Tensor& NcAccumulator::frozen_means() {
  if (!means_.defined()) means_ = class_means();
  return means_;
}

void NcAccumulator::add_to_scatter(const at::Tensor& embeddings, const at::Tensor& labels) {
  const auto y = labels.to(sums_.device(), at::kLong);
  const auto centred = embeddings.to(at::kDouble) - frozen_means().index_select(0, y);
  within_.addmm_(centred.t(), centred);
  squared_dist_.index_add_(0, y, centred.pow(2).sum(1));
  scatter_count_ += embeddings.size(0);
}

void NcAccumulator::add_predictions(const at::Tensor& embeddings, const at::Tensor& predicted) {
  const auto nearest = at::cdist(embeddings.to(at::kDouble), frozen_means()).argmin(1);
  agreements_ += nearest.eq(predicted.to(nearest.device(), at::kLong)).sum().item<std::int64_t>();
  predictions_ += embeddings.size(0);
}

NcMetrics NcAccumulator::finish(const std::optional<at::Tensor>& classifier_weights) const {
  NcMetrics out;
  const auto means = class_means();
  const auto c = static_cast<double>(classes_);

  // CDNV
  const auto variances = squared_dist_ / counts_;
  const auto gaps = at::cdist(means, means).pow(2);
  out.cdnv_pairwise = (variances.unsqueeze(0) + variances.unsqueeze(1)) / (2 * gaps);
  out.cdnv_pairwise.fill_diagonal_(0);
  const auto upper = at::triu_indices(classes_, classes_, 1, counts_.options().dtype(at::kLong));
  out.cdnv = out.cdnv_pairwise.index({upper[0], upper[1]}).mean().item<double>();

  // NC1 through the eigendecomposition of the symmetric Sigma_B; eigenvalues below
  // lambda_max * max(C, D) * eps are treated as zero (rank <= C - 1 always).
  const auto centred = means - means.mean(0, /*keepdim=*/true);  // M, [C, D]
  const auto sigma_b = centred.t().mm(centred) / c;
  const auto sigma_w = within_ / static_cast<double>(scatter_count_);
  const auto [eigenvalues, eigenvectors] = at::linalg_eigh(sigma_b);
  const double tolerance = eigenvalues.max().item<double>() * static_cast<double>(std::max(classes_, dimension_)) * DBL_EPSILON;
  const auto kept = eigenvalues.gt(tolerance);
  const auto v = eigenvectors.index({at::indexing::Slice(), kept});
  const auto lambda = eigenvalues.index({kept});
  out.nc1_rank = lambda.size(0);
  out.nc1 = out.nc1_rank == 0 ? 0.0 : ((v.t().mm(sigma_w) * v.t()).sum(1) / lambda).sum().item<double>() / c;

  // NC2
  const auto norms = centred.norm(2, 1);
  out.nc2_equinorm = (norms.std(/*unbiased=*/false) / norms.mean()).item<double>();
  const auto unit = centred / norms.unsqueeze(1);
  const auto cosines = unit.mm(unit.t()).index({upper[0], upper[1]});
  out.nc2_equiangularity = cosines.std(/*unbiased=*/false).item<double>();
  const auto gram = centred.mm(centred.t());
  const auto etf = at::eye(classes_, counts_.options()) - 1.0 / c;
  out.nc2_etf_distance = (gram / gram.norm() - etf / etf.norm()).norm().item<double>();

  // NC3
  if (classifier_weights) {
    const auto w = classifier_weights->to(counts_.device(), at::kDouble);
    if (w.size(0) != classes_ || w.size(1) != dimension_) {
      throw std::invalid_argument("NC3: classifier weights must be [classes, dimension]");
    }
    out.nc3 = (w / w.norm() - centred / centred.norm()).norm().item<double>();
  }
  if (predictions_ > 0) out.nc4 = static_cast<double>(agreements_) / static_cast<double>(predictions_);
  return out;
}

NcMetrics nc_metrics(const at::Tensor& embeddings, const at::Tensor& labels, std::int64_t num_classes,
                     const std::optional<at::Tensor>& classifier_weights, const std::optional<at::Tensor>& predicted,
                     std::int64_t batch) {
  NcAccumulator accumulator(num_classes, embeddings.size(1), embeddings.device());
  const auto n = embeddings.size(0);
  for (std::int64_t start = 0; start < n; start += batch) {
    accumulator.add_to_means(embeddings.slice(0, start, start + batch), labels.slice(0, start, start + batch));
  }
  for (std::int64_t start = 0; start < n; start += batch) {
    const auto x = embeddings.slice(0, start, start + batch);
    accumulator.add_to_scatter(x, labels.slice(0, start, start + batch));
    if (predicted) accumulator.add_predictions(x, predicted->slice(0, start, start + batch));
  }
  return accumulator.finish(classifier_weights);
}

}  // namespace gcbench
