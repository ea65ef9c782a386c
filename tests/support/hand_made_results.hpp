// Results folders made by hand, in the real on-disk format: records copied from
// the golden record with the swept value, seed, class split and headline
// measures each test chooses, for the readers (report, claims).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace gcbench::testing {

struct HandMadeMeasures {
  double source_gc, source_nc, target_nc, accuracy, train_accuracy;
};

struct HandMadeStudy {
  std::string suite;           // the suite name the records carry
  std::string key;             // the swept key, e.g. "training.gc_penalty"
  std::vector<double> values;  // its values
  int splits = 1;              // dataset.options.split_seed 0..splits-1 (1: no split_seed)
  int seeds = 3;               // seeds 0..seeds-1
  // Measures of the run at values[v], class split `split`, seed `seed`.
  std::function<HandMadeMeasures(std::size_t v, int split, int seed)> measures;
};

// Writes `study` as <root>/<suite>/20261203T000000Z/runs.jsonl; returns that folder.
std::filesystem::path write_hand_made_study(const std::filesystem::path& root, const HandMadeStudy& study);

}  // namespace gcbench::testing
