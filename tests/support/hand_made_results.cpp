#include "support/hand_made_results.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "support/fixtures.hpp"

namespace gcbench::testing {

std::filesystem::path write_hand_made_study(const std::filesystem::path& root, const HandMadeStudy& study) {
  const auto golden =
      nlohmann::json::parse(read_text(source_dir() / "tests" / "data" / "golden" / "measurement-libtorch-1.13.0.json"));
  const auto folder = root / study.suite / "20261203T000000Z";
  std::string lines;
  std::size_t index = 0;
  for (std::size_t v = 0; v < study.values.size(); ++v) {
    for (int split = 0; split < study.splits; ++split) {
      for (int seed = 0; seed < study.seeds; ++seed, ++index) {
        auto record = golden;
        const auto m = study.measures(v, split, seed);
        record["suite"] = study.suite;
        record["index"] = index;
        record["run_id"] = fmt::format("run{:04d}", index);
        record["seed"] = seed;
        record["variant"] = "";
        record["swept"] = {{study.key, study.values[v]}};
        if (study.splits > 1) {
          record["swept"]["dataset.options.split_seed"] = split;
          record["config"]["dataset"]["options"]["split_seed"] = split;
        }
        record["metrics"]["source"]["gc"]["exact"]["value"] = m.source_gc;
        record["metrics"]["source"]["nc"]["cdnv"] = m.source_nc;
        record["metrics"]["target"]["nc"]["cdnv"] = m.target_nc;
        record["metrics"]["target"]["fewshot"]["linear_probe"]["5"]["mean"] = m.accuracy;
        record["metrics"]["source"]["train_accuracy"] = m.train_accuracy;
        lines += record.dump() + "\n";
      }
    }
  }
  write_text(folder / "runs.jsonl", lines);
  return folder;
}

}  // namespace gcbench::testing
