// `gcbench plan SUITE`: every run the suite expands to, before anything runs.
#include <fmt/format.h>

#include <map>

#include "commands.hpp"
#include "plan/plan.hpp"
#include "util/text_table.hpp"

namespace gcbench::cli {
using nlohmann::json;

namespace {

// {"training": {"lr": 0.1}} -> {"training.lr": "0.1"}; lists stay whole.
void flatten(const json& value, const std::string& prefix, std::map<std::string, std::string>& out) {
  if (value.is_object() && !value.empty()) {
    for (const auto& [key, child] : value.items()) flatten(child, prefix.empty() ? key : prefix + "." + key, out);
  } else {
    out[prefix] = value.dump();
  }
}

}  // namespace

int plan_command(const SuiteArguments& arguments, bool as_json) {
  LoadedSuite loaded = load_suite(arguments);
  const auto runs = plan_runs(loaded.suite);
  if (as_json) {
    fmt::print("{}\n", plan_json(runs).dump(2));
    return 0;
  }

  // Keys equal in every run print once; the others are the table's columns, so
  // a run's resolved config is the shared keys plus its row.
  std::vector<std::map<std::string, std::string>> flat(runs.size());
  for (std::size_t i = 0; i < runs.size(); ++i) flatten(runs[i].config, "", flat[i]);
  std::map<std::string, std::string> shared;
  std::vector<std::string> varying;
  if (!flat.empty()) {
    std::map<std::string, bool> seen;
    for (const auto& run : flat)
      for (const auto& [key, value] : run) seen[key] = true;
    for (const auto& [key, unused] : seen) {
      const auto first = flat.front().find(key);
      bool same = first != flat.front().end();
      for (const auto& run : flat) {
        const auto found = run.find(key);
        same = same && found != run.end() && found->second == first->second;
      }
      if (same) {
        shared[key] = first->second;
      } else if (key != "seed") {
        varying.push_back(key);
      }
    }
  }

  // A run whose id an earlier run has (variants sharing a point) reuses that run's
  // record; a run whose training id an earlier run has measures that run's network.
  std::map<std::string, std::size_t> first_with_id, first_with_training;
  for (const auto& run : runs) {
    first_with_id.emplace(run.id, run.index);
    first_with_training.emplace(run.training_id, run.index);
  }
  const std::size_t repeats = runs.size() - first_with_id.size();
  fmt::print("suite '{}' ({}): {} runs, {} to train{}{}\n", loaded.suite.name, arguments.suite.string(), runs.size(),
             planned_trainings(runs),
             repeats == 0 ? "" : fmt::format(" ({} repeat an earlier run and reuse its record)", repeats),
             loaded.suite.description.empty() ? "" : "\n  " + loaded.suite.description);
  std::vector<std::string> header = {"#", "run id", "trains", "variant", "seed"};
  header.insert(header.end(), varying.begin(), varying.end());
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const std::size_t first = first_with_id.at(runs[i].id);
    const std::size_t trainer = first_with_training.at(runs[i].training_id);
    const bool measures_a_checkpoint = !runs[i].run_config.training.from_checkpoint.empty();
    std::vector<std::string> row = {std::to_string(runs[i].index),
                                    runs[i].id + (first == runs[i].index ? "" : fmt::format(" = #{}", first)),
                                    measures_a_checkpoint      ? "checkpoint"
                                    : trainer == runs[i].index ? "yes"
                                                               : fmt::format("#{}'s", trainer),
                                    runs[i].variant.empty() ? "-" : runs[i].variant, std::to_string(runs[i].seed)};
    for (const auto& key : varying) {
      const auto found = flat[i].find(key);
      row.push_back(found == flat[i].end() ? "-" : found->second);
    }
    rows.push_back(std::move(row));
  }
  fmt::print("\n{}", format_text_table({header, rows}, {ColumnAlign::left, "  ", false}));
  fmt::print(
      "\nevery run's resolved config is these shared keys plus its row above "
      "(`gcbench plan --json` prints each in full):\n");
  for (const auto& [key, value] : shared) fmt::print("  {} = {}\n", key, value);
  return 0;
}

}  // namespace gcbench::cli
