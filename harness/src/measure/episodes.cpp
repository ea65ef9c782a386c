#include "measure/episodes.hpp"

#include <algorithm>
#include <stdexcept>

namespace gcbench {
namespace {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A stream of random numbers that depends on (key, counter) alone.
class CounterStream {
 public:
  explicit CounterStream(std::uint64_t key) : key_(key) {}
  std::uint64_t next() { return splitmix64(key_ ^ splitmix64(counter_++)); }
  std::int64_t below(std::int64_t bound) {  // uniform in [0, bound), bias < 2^-40 for our sizes
    return static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(bound));
  }

 private:
  std::uint64_t key_;
  std::uint64_t counter_ = 0;
};

// The first `count` elements of a uniform random permutation of `items`.
std::vector<std::int64_t> choose(std::vector<std::int64_t> items, std::int64_t count, CounterStream& stream) {
  const std::int64_t n = static_cast<std::int64_t>(items.size());
  for (std::int64_t i = 0; i < count; ++i) std::swap(items[i], items[i + stream.below(n - i)]);
  items.resize(count);
  return items;
}

}  // namespace

EpisodeSampler::EpisodeSampler(const at::Tensor& labels, std::uint64_t seed, const std::string& split) {
  const at::Tensor y = labels.to(at::kLong).contiguous();
  const auto* data = y.data_ptr<std::int64_t>();
  for (std::int64_t i = 0; i < y.numel(); ++i) {
    if (data[i] < 0) throw std::invalid_argument("episodes: negative label");
    if (static_cast<std::size_t>(data[i]) >= by_class_.size()) by_class_.resize(data[i] + 1);
    by_class_[data[i]].push_back(i);
  }
  std::uint64_t split_key = 0;
  for (unsigned char c : split) split_key = splitmix64(split_key ^ c);
  key_ = splitmix64(splitmix64(seed) ^ split_key);
}

Episode EpisodeSampler::episode(std::int64_t index, std::int64_t ways, std::int64_t shots, std::int64_t queries) const {
  if (ways > num_classes()) {
    throw std::invalid_argument("episodes: " + std::to_string(ways) + "-way episodes need " + std::to_string(ways) +
                                " classes, the split has " + std::to_string(num_classes()));
  }
  CounterStream stream(splitmix64(key_ ^ splitmix64(static_cast<std::uint64_t>(index))));
  std::vector<std::int64_t> all_classes(by_class_.size());
  for (std::size_t c = 0; c < all_classes.size(); ++c) all_classes[c] = static_cast<std::int64_t>(c);

  Episode episode;
  episode.classes = choose(all_classes, ways, stream);
  for (const auto c : episode.classes) {
    const auto& members = by_class_[c];
    if (static_cast<std::int64_t>(members.size()) < shots + queries) {
      throw std::invalid_argument("episodes: class " + std::to_string(c) + " has " + std::to_string(members.size()) +
                                  " images, fewer than shots + queries = " + std::to_string(shots + queries));
    }
    const auto drawn = choose(members, shots + queries, stream);
    episode.support.insert(episode.support.end(), drawn.begin(), drawn.begin() + shots);
    episode.query.insert(episode.query.end(), drawn.begin() + shots, drawn.end());
  }
  return episode;
}

}  // namespace gcbench
