#include <ATen/ATen.h>
#include <catch2/catch.hpp>

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

TEST_CASE("The 95% interval uses Student's t", "[fewshot]") {
  // n = 4, sd = 1.2910, se = 0.6455, t_{0.975,3} = 3.1824 -> half-width 2.0543.
  CHECK(gcbench::ci95_half_width({1.0, 2.0, 3.0, 4.0}) == Catch::Detail::Approx(2.0543).epsilon(1e-3));
}
