#include <ATen/ATen.h>
#include <torch/optim/lbfgs.h>
#include <catch2/catch.hpp>

#include <cmath>

#include <set>

#include "measure/episodes.hpp"
#include "measure/fewshot.hpp"
#include "stats/rank_tests.hpp"

namespace {
at::Tensor labels(std::int64_t classes, std::int64_t per_class) {
  return at::arange(classes, at::kLong).repeat({per_class});  // interleaved, as in real files
}
}  // namespace

TEST_CASE("Episodes are fixed by the seed, the split and the index", "[fewshot]") {
  const auto y = labels(8, 30);
  const gcbench::EpisodeSampler a(y, 7, "target"), b(y, 7, "target");
  for (std::int64_t e = 0; e < 20; ++e) {
    const auto first = a.episode(e, 5, 5, 15);
    const auto second = b.episode(e, 5, 5, 15);
    CHECK(first.classes == second.classes);
    CHECK(first.support == second.support);
    CHECK(first.query == second.query);
  }
  SECTION("another seed or split gives other episodes") {
    const gcbench::EpisodeSampler other_seed(y, 8, "target"), other_split(y, 7, "val");
    CHECK(a.episode(0, 5, 5, 15).support != other_seed.episode(0, 5, 5, 15).support);
    CHECK(a.episode(0, 5, 5, 15).support != other_split.episode(0, 5, 5, 15).support);
  }
}

TEST_CASE("An episode draws distinct classes and never reuses an image", "[fewshot]") {
  const auto y = labels(6, 25);
  const gcbench::EpisodeSampler sampler(y, 1, "target");
  const auto* label = y.data_ptr<std::int64_t>();
  for (std::int64_t e = 0; e < 50; ++e) {
    const auto episode = sampler.episode(e, 5, 3, 10);
    CHECK(std::set<std::int64_t>(episode.classes.begin(), episode.classes.end()).size() == 5);
    std::set<std::int64_t> used(episode.support.begin(), episode.support.end());
    used.insert(episode.query.begin(), episode.query.end());
    CHECK(used.size() == 5 * (3 + 10));
    for (std::size_t i = 0; i < episode.support.size(); ++i) {
      CHECK(label[episode.support[i]] == episode.classes[i / 3]);
    }
    for (std::size_t i = 0; i < episode.query.size(); ++i) {
      CHECK(label[episode.query[i]] == episode.classes[i / 10]);
    }
  }
}

TEST_CASE("An episode asking for more images than a class has is refused", "[fewshot]") {
  const gcbench::EpisodeSampler sampler(labels(5, 10), 0, "target");
  CHECK_THROWS_WITH(sampler.episode(0, 5, 5, 15), Catch::Contains("fewer than shots + queries"));
  CHECK_THROWS_WITH(sampler.episode(0, 6, 1, 1), Catch::Contains("the split has 5"));
}

TEST_CASE("Every classifier is perfect on well-separated episodes", "[fewshot]") {
  const auto y = labels(8, 40);
  const auto embeddings = at::one_hot(y, 8).to(at::kFloat) * 10 + at::randn({320, 8}) * 0.1;
  const gcbench::EpisodeSampler sampler(y, 3, "target");
  for (const std::string name : {"ncm", "ncm_cosine", "linear_probe"}) {
    for (const std::int64_t shots : {1, 5}) {
      DYNAMIC_SECTION(name << " " << shots << "-shot") {
        const auto episodes = gcbench::episode_indices(sampler, 5, shots, 15, 20);
        const auto result = gcbench::fewshot_accuracy(embeddings, episodes, gcbench::parse_classifier(name), 5, shots, 15);
        CHECK(result.mean_accuracy == 1.0);
        CHECK(result.per_episode.size() == 20);
        CHECK(result.ci95 == 0.0);
      }
    }
  }
}

TEST_CASE("Batched nearest class mean agrees with a per-episode loop", "[fewshot]") {
  const auto y = labels(6, 30);
  const auto embeddings = at::randn({180, 4}) + at::one_hot(y, 6).narrow(1, 0, 4).to(at::kFloat);
  const gcbench::EpisodeSampler sampler(y, 9, "target");
  const auto batched = gcbench::fewshot_accuracy(embeddings, gcbench::episode_indices(sampler, 5, 5, 10, 30),
                                                 gcbench::FewShotClassifier::ncm, 5, 5, 10);
  for (std::int64_t e = 0; e < 30; ++e) {
    const auto episode = sampler.episode(e, 5, 5, 10);
    const auto support = embeddings.index_select(0, at::tensor(episode.support, at::kLong)).view({5, 5, 4}).mean(1);
    const auto query = embeddings.index_select(0, at::tensor(episode.query, at::kLong));
    const auto truth = at::arange(5, at::kLong).repeat_interleave(10);
    const double accuracy = at::cdist(query, support).argmin(1).eq(truth).to(at::kDouble).mean().item<double>();
    CHECK(batched.per_episode[e] == Catch::Detail::Approx(accuracy));
  }
}

TEST_CASE("The linear probe beats chance on overlapping classes and differs from NCM", "[fewshot]") {
  const auto y = labels(5, 60);
  const auto embeddings = at::one_hot(y, 5).to(at::kFloat) + at::randn({300, 5}) * 0.6;
  const gcbench::EpisodeSampler sampler(y, 4, "target");
  const auto episodes = gcbench::episode_indices(sampler, 5, 5, 15, 40);
  const auto probe = gcbench::fewshot_accuracy(embeddings, episodes, gcbench::FewShotClassifier::linear_probe, 5, 5, 15);
  CHECK(probe.mean_accuracy > 0.5);
  CHECK(probe.mean_accuracy < 1.0);
  CHECK(probe.ci95 > 0);
}

namespace {
// The linear probe as gcbench fitted it before it moved to the support's span:
// L-BFGS on every embedding dimension of every episode at once, here in float64
// and to tight tolerances, so that it is converged (the old float32 fit stopped
// where the summed loss no longer changed in float32, and resolved near-ties
// either way: 1-shot in 512 dimensions, 11 of these 60 episodes).
at::Tensor converged_full_dimension_predictions(const at::Tensor& embeddings, const gcbench::EpisodeIndices& episodes,
                                                std::int64_t ways, std::int64_t shots) {
  const auto normalised = [](const at::Tensor& x) { return x / x.norm(2, -1, true).clamp_min(1e-12); };
  const auto count = episodes.support.size(0), dim = embeddings.size(1);
  const auto pick = [&](const at::Tensor& indices) {
    return normalised(embeddings.index_select(0, indices.reshape(-1)).to(at::kDouble)).view({count, -1, dim});
  };
  const auto x = pick(episodes.support), query = pick(episodes.query);
  const auto targets = at::arange(ways, at::kLong).repeat_interleave(shots).repeat({count});
  auto weight = at::zeros({count, dim, ways}, at::kDouble).requires_grad_(true);
  auto bias = at::zeros({count, 1, ways}, at::kDouble).requires_grad_(true);
  torch::optim::LBFGS optimizer(
      {weight, bias}, torch::optim::LBFGSOptions(1.0).max_iter(1000).tolerance_grad(1e-12).tolerance_change(1e-14).line_search_fn(
                          "strong_wolfe"));
  optimizer.step([&] {
    optimizer.zero_grad();
    const auto logits = (x.bmm(weight) + bias).view({-1, ways});
    auto loss = at::nll_loss(at::log_softmax(logits, 1), targets, {}, at::Reduction::Sum) + 0.5 * weight.pow(2).sum();
    loss.backward();
    return loss;
  });
  return (query.bmm(weight) + bias).detach().argmax(2);
}
}  // namespace

TEST_CASE("The linear probe fitted in the support's span agrees episode by episode with the full fit", "[fewshot]") {
  at::manual_seed(11);
  const auto y = labels(10, 40);
  const std::int64_t ways = 5, queries = 15, count = 60;
  for (const std::int64_t dim : {16, 64, 512}) {
    for (const std::int64_t shots : {1, 5}) {
      DYNAMIC_SECTION(dim << " dimensions, " << shots << "-shot") {
        // Overlapping classes, so that the probe errs and its errors can be compared.
        const auto embeddings = at::randn({400, dim}) + at::randn({10, dim}).index_select(0, y) * (6.0 / std::sqrt(2.0 * dim));
        const gcbench::EpisodeSampler sampler(y, 5, "target");
        const auto episodes = gcbench::episode_indices(sampler, ways, shots, queries, count);
        const auto probe =
            gcbench::fewshot_accuracy(embeddings, episodes, gcbench::FewShotClassifier::linear_probe, ways, shots, queries);
        const auto truth = at::arange(ways, at::kLong).repeat_interleave(queries).unsqueeze(0);
        const auto full = converged_full_dimension_predictions(embeddings, episodes, ways, shots).eq(truth).to(at::kDouble);
        CHECK(probe.mean_accuracy > 0.3);
        CHECK(probe.mean_accuracy < 0.99);
        for (std::int64_t e = 0; e < count; ++e) CHECK(probe.per_episode[e] == full[e].mean().item<double>());
      }
    }
  }
}

TEST_CASE("The 95% interval uses Student's t", "[fewshot]") {
  // n = 4, sd = 1.2910, se = 0.6455, t_{0.975,3} = 3.1824 -> half-width 2.0543.
  CHECK(gcbench::ci95_half_width({1.0, 2.0, 3.0, 4.0}) == Catch::Detail::Approx(2.0543).epsilon(1e-3));
}
