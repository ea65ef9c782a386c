#include "measure/fewshot.hpp"

#include <ATen/ATen.h>
#include <boost/math/distributions/students_t.hpp>

#include <cmath>
#include <numeric>

namespace gcbench {

double ci95_half_width(const std::vector<double>& values) {
  const double n = static_cast<double>(values.size());
  if (values.size() < 2) return 0.0;
  const double mean = std::accumulate(values.begin(), values.end(), 0.0) / n;
  double squares = 0.0;
  for (double v : values) squares += (v - mean) * (v - mean);
  const double standard_error = std::sqrt(squares / (n - 1)) / std::sqrt(n);
  const boost::math::students_t t(n - 1);
  return boost::math::quantile(boost::math::complement(t, 0.025)) * standard_error;
}

FewShotResult nearest_class_mean_accuracy(const at::Tensor& embeddings, const EpisodeSampler& sampler,
                                          std::int64_t ways, std::int64_t shots, std::int64_t queries,
                                          std::int64_t episodes) {
  FewShotResult result{ways, shots, queries, 0.0, 0.0, {}};
  const at::Tensor x = embeddings.to(at::kFloat);
  const at::Tensor query_labels = at::arange(ways, at::kLong).repeat_interleave(queries);
  for (std::int64_t e = 0; e < episodes; ++e) {
    const Episode episode = sampler.episode(e, ways, shots, queries);
    const auto support = x.index_select(0, at::tensor(episode.support, at::kLong));
    const auto query = x.index_select(0, at::tensor(episode.query, at::kLong));
    const auto prototypes = support.view({ways, shots, -1}).mean(1);
    const auto predicted = at::cdist(query, prototypes).argmin(1);
    result.per_episode.push_back(predicted.eq(query_labels).to(at::kDouble).mean().item<double>());
  }
  result.mean_accuracy =
      std::accumulate(result.per_episode.begin(), result.per_episode.end(), 0.0) / static_cast<double>(episodes);
  result.ci95 = ci95_half_width(result.per_episode);
  return result;
}

}  // namespace gcbench
