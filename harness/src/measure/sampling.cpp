#include "measure/sampling.hpp"

#include <ATen/core/Tensor.h>
#include <ATen/ops/tensor.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <vector>

namespace gcbench {

at::Tensor fixed_sample(std::int64_t n, std::int64_t count, std::uint64_t seed) {
  std::vector<std::int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937_64(seed));
  order.resize(std::min(n, count));
  std::sort(order.begin(), order.end());
  return at::tensor(order, at::kLong);
}

at::Tensor stratified_sample(const at::Tensor& labels, std::int64_t count, std::uint64_t seed) {
  const auto classes = labels.max().item<std::int64_t>() + 1;
  const auto per_class = std::max<std::int64_t>(2, count / std::max<std::int64_t>(classes, 1));
  const auto* label = labels.data_ptr<std::int64_t>();
  std::vector<std::int64_t> order(labels.size(0));
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937_64(seed));
  std::vector<std::int64_t> taken(classes, 0), chosen;
  for (const auto i : order) {
    if (taken[label[i]]++ < per_class) chosen.push_back(i);
  }
  std::sort(chosen.begin(), chosen.end());
  return at::tensor(chosen, at::kLong);
}

}  // namespace gcbench
