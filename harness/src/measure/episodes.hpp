// Few-shot episodes from a counter-based generator: episode e of (seed, split)
// is the same in every run, estimator and thread count, so two runs can be
// compared episode by episode.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gcbench {

struct Episode {
  std::vector<std::int64_t> classes;  // the `ways` classes drawn, as split labels
  std::vector<std::int64_t> support;  // indices into the split, ways x shots, class-major
  std::vector<std::int64_t> query;    // indices into the split, ways x queries, class-major
};

class EpisodeSampler {
 public:
  // labels: int64 [N] of the split; `split` keys the stream (e.g. "target").
  EpisodeSampler(const at::Tensor& labels, std::uint64_t seed, const std::string& split);

  // Throws std::invalid_argument when the split has too few classes or images.
  Episode episode(std::int64_t index, std::int64_t ways, std::int64_t shots, std::int64_t queries) const;

  std::int64_t num_classes() const { return static_cast<std::int64_t>(by_class_.size()); }

 private:
  std::vector<std::vector<std::int64_t>> by_class_;
  std::uint64_t key_;
};

}  // namespace gcbench
