// Selecting a split's classes from pooled records, with a fixed per-class hold-out.
#pragma once

#include <ATen/core/Tensor.h>
#include <ATen/ops/tensor.h>

#include <cstdint>
#include <string>
#include <vector>

#include <gcbench/plugin.hpp>

namespace gcbench::cifar {

// The images of `classes` (labels in the pool), relabelled 0..classes-1 in that
// order. Of each class's images, in pool order, the first `skip` are left out and
// then at most `take` kept (take <= 0: all the rest).
inline ImageSet select_classes(const at::Tensor& images, const at::Tensor& labels, const std::vector<std::int64_t>& classes,
                               const std::vector<std::string>& names, std::int64_t skip, std::int64_t take) {
  std::vector<std::int64_t> indices, relabelled;
  const auto y = labels.contiguous();
  const auto* label = y.data_ptr<std::int64_t>();
  for (std::size_t position = 0; position < classes.size(); ++position) {
    std::int64_t seen = 0, kept = 0;
    for (std::int64_t i = 0; i < y.size(0); ++i) {
      if (label[i] != classes[position]) continue;
      if (seen++ < skip) continue;
      if (take > 0 && kept >= take) break;
      ++kept;
      indices.push_back(i);
      relabelled.push_back(static_cast<std::int64_t>(position));
    }
  }
  ImageSet set;
  set.images = images.index_select(0, at::tensor(indices, at::kLong));
  set.labels = at::tensor(relabelled, at::kLong);
  for (const auto c : classes) set.class_names.push_back(names[c]);
  return set;
}

}  // namespace gcbench::cifar
