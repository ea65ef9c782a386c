// n-way k-shot transfer on fixed embeddings, every episode at once: nearest
// class mean (Euclidean or cosine) and a linear probe (multinomial logistic
// regression on L2-normalised embeddings, fitted with L-BFGS, as in RFS).
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

#include "measure/episodes.hpp"

namespace gcbench {

enum class FewShotClassifier { ncm, ncm_cosine, linear_probe };

FewShotClassifier parse_classifier(const std::string& name);  // "ncm", "ncm_cosine", "linear_probe"
std::string to_string(FewShotClassifier classifier);

struct FewShotResult {
  std::int64_t ways = 0;
  std::int64_t shots = 0;
  std::int64_t queries = 0;
  double mean_accuracy = 0.0;
  double ci95 = 0.0;                // half-width of the 95% Student-t interval of the mean
  std::vector<double> per_episode;  // episode e is sampler.episode(e, ...)
};

// Support and query indices of episodes 0 .. episodes-1: [E, ways * shots] and [E, ways * queries].
struct EpisodeIndices {
  at::Tensor support;
  at::Tensor query;
};
EpisodeIndices episode_indices(const EpisodeSampler& sampler, std::int64_t ways, std::int64_t shots, std::int64_t queries,
                               std::int64_t episodes);

FewShotResult fewshot_accuracy(const at::Tensor& embeddings, const EpisodeIndices& episodes, FewShotClassifier classifier,
                               std::int64_t ways, std::int64_t shots, std::int64_t queries);

}  // namespace gcbench
