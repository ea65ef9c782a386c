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
//
// With more dimensions than support images, the fit runs in the support's own
// span: every gradient of the loss lies in it, so W does (starting from zero),
// and the optimum is the full problem's. The support X [n, dim] is factored as
// X^T = Q R (Householder, robust to collapsed, nearly dependent embeddings), so
// its coordinates in the orthonormal basis Q are R^T: n numbers instead of dim,
// and every L-BFGS iteration (whose history of up to 100 pairs the size of W
// dominated the time) shrinks by dim / n. The fit is then cheap enough to run
// in float64, converged: a float32 fit of all episodes at once stops when their
// summed loss no longer changes in float32, which leaves near-ties unresolved.
// W = Q C comes back from the reflectors without forming Q.
at::Tensor linear_probe_logits(const at::Tensor& support, const at::Tensor& query, std::int64_t ways, std::int64_t shots) {
  const auto episodes = support.size(0), n = ways * shots, dim = support.size(-1);
  const auto x = normalised(support).view({episodes, n, dim}).detach();
  const bool reduced = dim > n;
  at::Tensor reflectors, tau, features;
  if (reduced) {
    std::tie(reflectors, tau) = at::geqrf(x.transpose(1, 2));      // [E, dim, n]: R above the diagonal, Q's reflectors below
    features = reflectors.narrow(1, 0, n).triu().transpose(1, 2);  // X Q = R^T
  } else {
    features = x;
  }
  features = features.to(at::kDouble);
  const auto targets = at::arange(ways, x.options().dtype(at::kLong)).repeat_interleave(shots).repeat({episodes});
  auto weight = at::zeros({episodes, features.size(2), ways}, features.options()).requires_grad_(true);
  auto bias = at::zeros({episodes, 1, ways}, features.options()).requires_grad_(true);
  torch::optim::LBFGS optimizer({weight, bias}, torch::optim::LBFGSOptions(1.0).max_iter(100).line_search_fn("strong_wolfe"));
  auto closure = [&] {
    optimizer.zero_grad();
    const auto logits = (features.bmm(weight) + bias).view({-1, ways});
    auto loss = at::nll_loss(at::log_softmax(logits, 1), targets, {}, at::Reduction::Sum) + 0.5 * weight.pow(2).sum();
    loss.backward();
    return loss;
  };
  optimizer.step(closure);
  at::Tensor fitted = weight.detach().to(x.scalar_type());
  if (reduced) {
    fitted = at::ormqr(reflectors, tau, at::cat({fitted, at::zeros({episodes, dim - n, ways}, fitted.options())}, 1),
                       /*left=*/true, /*transpose=*/false);  // W = Q C, [E, dim, ways]
  }
  return normalised(query).bmm(fitted) + bias.detach().to(x.scalar_type());
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
