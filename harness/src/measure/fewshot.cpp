#include "measure/fewshot.hpp"

#include <ATen/ATen.h>
#include <torch/optim/lbfgs.h>

#include <cmath>
#include <numeric>
#include <stdexcept>

#include "stats/rank_tests.hpp"

namespace gcbench {

FewShotClassifier parse_classifier(const std::string& name) {
  if (name == "ncm") return FewShotClassifier::ncm;
  if (name == "ncm_cosine") return FewShotClassifier::ncm_cosine;
  if (name == "linear_probe") return FewShotClassifier::linear_probe;
  throw std::invalid_argument("unknown few-shot classifier '" + name + "'; use ncm, ncm_cosine or linear_probe");
}

std::string to_string(FewShotClassifier classifier) {
  switch (classifier) {
    case FewShotClassifier::ncm:
      return "ncm";
    case FewShotClassifier::ncm_cosine:
      return "ncm_cosine";
    case FewShotClassifier::linear_probe:
      return "linear_probe";
  }
  return "unknown";
}

EpisodeIndices episode_indices(const EpisodeSampler& sampler, std::int64_t ways, std::int64_t shots, std::int64_t queries,
                               std::int64_t episodes) {
  std::vector<std::int64_t> support, query;
  support.reserve(episodes * ways * shots);
  query.reserve(episodes * ways * queries);
  for (std::int64_t e = 0; e < episodes; ++e) {
    const auto episode = sampler.episode(e, ways, shots, queries);
    support.insert(support.end(), episode.support.begin(), episode.support.end());
    query.insert(query.end(), episode.query.begin(), episode.query.end());
  }
  return {at::tensor(support, at::kLong).view({episodes, ways * shots}),
          at::tensor(query, at::kLong).view({episodes, ways * queries})};
}

namespace {

at::Tensor normalised(const at::Tensor& x) { return x / x.norm(2, -1, /*keepdim=*/true).clamp_min(1e-12); }

// Logits [E, ways * queries, ways] of one multinomial logistic regression per
// episode. The episodes' problems are independent, so minimising the sum of
// their losses fits each one (L2 penalty 0.5 ||W||^2 with C = 1, as sklearn's default).
at::Tensor linear_probe_logits(const at::Tensor& support, const at::Tensor& query, std::int64_t ways, std::int64_t shots) {
  const auto episodes = support.size(0), dim = support.size(-1);
  const auto x = normalised(support).view({episodes, ways * shots, dim}).detach();
  const auto targets = at::arange(ways, x.options().dtype(at::kLong)).repeat_interleave(shots).repeat({episodes});
  auto weight = at::zeros({episodes, dim, ways}, x.options()).requires_grad_(true);
  auto bias = at::zeros({episodes, 1, ways}, x.options()).requires_grad_(true);
  torch::optim::LBFGS optimizer({weight, bias}, torch::optim::LBFGSOptions(1.0).max_iter(100).line_search_fn("strong_wolfe"));
  auto closure = [&] {
    optimizer.zero_grad();
    const auto logits = (x.bmm(weight) + bias).view({-1, ways});
    auto loss = at::nll_loss(at::log_softmax(logits, 1), targets, {}, at::Reduction::Sum) + 0.5 * weight.pow(2).sum();
    loss.backward();
    return loss;
  };
  optimizer.step(closure);
  return (normalised(query).bmm(weight) + bias).detach();
}

}  // namespace

FewShotResult fewshot_accuracy(const at::Tensor& embeddings, const EpisodeIndices& episodes, FewShotClassifier classifier,
                               std::int64_t ways, std::int64_t shots, std::int64_t queries) {
  const auto count = episodes.support.size(0);
  const auto x = embeddings.to(at::kFloat);
  const auto dim = x.size(1);
  // Episodes are drawn on the CPU (one seed, any device); the embeddings stay where they were computed.
  const auto support = x.index_select(0, episodes.support.reshape(-1).to(x.device())).view({count, ways, shots, dim});
  const auto query = x.index_select(0, episodes.query.reshape(-1).to(x.device())).view({count, ways * queries, dim});
  const auto truth = at::arange(ways, x.options().dtype(at::kLong)).repeat_interleave(queries).unsqueeze(0);

  at::Tensor predicted;
  switch (classifier) {
    case FewShotClassifier::ncm:
      predicted = at::cdist(query, support.mean(2)).argmin(2);
      break;
    case FewShotClassifier::ncm_cosine:
      predicted = normalised(query).bmm(normalised(normalised(support).mean(2)).transpose(1, 2)).argmax(2);
      break;
    case FewShotClassifier::linear_probe:
      predicted = linear_probe_logits(support, query, ways, shots).argmax(2);
      break;
  }
  const auto accuracy = predicted.eq(truth).to(at::kDouble).mean(1).cpu().contiguous();
  FewShotResult result{ways, shots, queries, 0.0, 0.0, {}};
  result.per_episode.assign(accuracy.data_ptr<double>(), accuracy.data_ptr<double>() + count);
  result.mean_accuracy = accuracy.mean().item<double>();
  result.ci95 = ci95_half_width(result.per_episode);
  return result;
}

}  // namespace gcbench
