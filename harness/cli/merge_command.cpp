#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.hpp"
#include "merge/results_merge.hpp"

namespace gcbench::cli {

int merge_command(const std::vector<std::string>& inputs, const std::string& out) {
  std::vector<std::filesystem::path> folders(inputs.begin(), inputs.end());
  const MergeSummary summary = merge_results(folders, out);
  for (const auto& note : summary.notes) fmt::print(stderr, "note: {}\n", note);
  fmt::print("merged {} folders into {}: {} records of {} planned runs ({} duplicates dropped)\n", inputs.size(), out,
             summary.records, summary.planned, summary.duplicates);
  if (!summary.missing.empty()) {
    fmt::print(stderr,
               "note: {} planned runs have no finished record in any folder (plan #{}); run their shards again "
               "(or resume them) and merge again\n",
               summary.missing.size(), fmt::join(summary.missing, ", #"));
  }
  return 0;
}

}  // namespace gcbench::cli
