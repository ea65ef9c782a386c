// n-way k-shot accuracy of the nearest-class-mean classifier on fixed embeddings.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "measure/episodes.hpp"

namespace gcbench {

struct FewShotResult {
  std::int64_t ways = 0;
  std::int64_t shots = 0;
  std::int64_t queries = 0;
  double mean_accuracy = 0.0;
  double ci95 = 0.0;                  // half-width of the 95% Student-t interval of the mean
  std::vector<double> per_episode;
};

// Euclidean nearest class mean: each query takes the class whose support mean is closest.
FewShotResult nearest_class_mean_accuracy(const at::Tensor& embeddings, const EpisodeSampler& sampler,
                                          std::int64_t ways, std::int64_t shots, std::int64_t queries,
                                          std::int64_t episodes);

// Half-width of the 95% Student-t confidence interval of the mean of `values`.
double ci95_half_width(const std::vector<double>& values);

}  // namespace gcbench
