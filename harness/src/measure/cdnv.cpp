#include "measure/cdnv.hpp"

#include <ATen/ATen.h>

#include <stdexcept>
#include <string>

namespace gcbench {

CdnvResult cdnv(const at::Tensor& embeddings, const at::Tensor& labels, std::int64_t num_classes) {
  if (embeddings.dim() != 2 || labels.dim() != 1 || embeddings.size(0) != labels.size(0)) {
    throw std::invalid_argument("cdnv: expects embeddings [N, D] and labels [N]");
  }
  const at::Tensor x = embeddings.to(at::kDouble);
  const at::Tensor y = labels.to(at::kLong);
  const std::int64_t dim = x.size(1);

  const at::Tensor counts = at::bincount(y, {}, num_classes).to(at::kDouble);
  for (std::int64_t c = 0; c < num_classes; ++c) {
    if (counts[c].item<double>() == 0) {
      throw std::invalid_argument("cdnv: class " + std::to_string(c) + " has no examples");
    }
  }
  const at::Tensor sums = at::zeros({num_classes, dim}, x.options()).index_add_(0, y, x);
  const at::Tensor means = sums / counts.unsqueeze(1);
  const at::Tensor squared_distance = (x - means.index_select(0, y)).pow(2).sum(1);
  const at::Tensor variances = at::zeros({num_classes}, x.options()).index_add_(0, y, squared_distance) / counts;

  const at::Tensor mean_gaps = at::cdist(means, means).pow(2);
  at::Tensor pairwise = (variances.unsqueeze(0) + variances.unsqueeze(1)) / (2 * mean_gaps);
  pairwise.fill_diagonal_(0);

  const at::Tensor upper = at::triu_indices(num_classes, num_classes, 1, at::kLong);
  const double mean = num_classes < 2 ? 0.0 : pairwise.index({upper[0], upper[1]}).mean().item<double>();
  return {mean, pairwise, variances};
}

}  // namespace gcbench
