#include <ATen/ATen.h>
#include <catch2/catch.hpp>

#include <set>

#include "measure/episodes.hpp"
#include "measure/fewshot.hpp"

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

TEST_CASE("Nearest class mean classifies well-separated classes perfectly", "[fewshot]") {
  const auto y = labels(5, 40);
  const auto embeddings = at::one_hot(y, 5).to(at::kFloat) * 10 + at::randn({200, 5}) * 0.1;
  const gcbench::EpisodeSampler sampler(y, 3, "target");
  const auto result = gcbench::nearest_class_mean_accuracy(embeddings, sampler, 5, 1, 15, 20);
  CHECK(result.mean_accuracy == 1.0);
  CHECK(result.per_episode.size() == 20);
}

TEST_CASE("The 95% interval uses Student's t", "[fewshot]") {
  // n = 4, sd = 1.2910, se = 0.6455, t_{0.975,3} = 3.1824 -> half-width 2.0543.
  CHECK(gcbench::ci95_half_width({1.0, 2.0, 3.0, 4.0}) == Catch::Detail::Approx(2.0543).epsilon(1e-3));
}
