#include "merge/results_merge.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <optional>

#include "plan/plan_diff.hpp"
#include "record/results_folder.hpp"

namespace gcbench {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// A run's folder, its files hard-linked (same file system) or else copied.
void link_or_copy(const fs::path& from, const fs::path& to) {
  std::error_code error;
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::create_hard_links, error);
  if (!error) return;
  fs::remove_all(to);
  fs::copy(from, to, fs::copy_options::recursive, error);
  if (error) throw std::system_error(error, fmt::format("cannot copy {} to {}", from.string(), to.string()));
}

// A checkpoint path under the input folder, moved to the same place under `out`.
std::string relocated(const std::string& path, const fs::path& from, const fs::path& to) {
  const std::string prefix = from.string() + "/";
  if (path.rfind(prefix, 0) != 0) return path;
  return (to / path.substr(prefix.size())).string();
}

}  // namespace

MergeSummary merge_results(const std::vector<fs::path>& inputs, const fs::path& out) {
  if (inputs.empty()) throw std::invalid_argument("merge needs at least one results folder");
  std::vector<ResultsFolder> folders;
  folders.reserve(inputs.size());
  for (const auto& input : inputs) folders.push_back(ResultsFolder::open(input));
  std::optional<json> plan;
  for (const auto& folder : folders) {
    const auto this_plan = folder.read_plan();
    if (!this_plan) {
      throw std::runtime_error(folder.path().string() +
                               " has no plan.json, so it is not a folder `gcbench run` made; "
                               "merge only the folders of one suite's shards");
    }
    if (!plan) {
      plan = this_plan;
      continue;
    }
    const auto differences = plan_differences(*plan, *this_plan);
    if (!differences.empty()) {
      throw std::runtime_error(fmt::format("{} and {} hold different plans, so they are not parts of one suite run:\n  {}",
                                           folders.front().path().string(), folder.path().string(),
                                           fmt::join(differences, "\n  ")));
    }
  }
  std::error_code error;
  if (fs::exists(out, error) && !fs::is_empty(out, error)) {
    throw std::runtime_error(fmt::format("{} is not empty; merge into a new folder", out.string()));
  }

  MergeSummary summary;
  summary.planned = plan->size();
  // Per run id and plan place (two variants may share a run id, each with its
  // own record): the chosen record and the folder it came from.
  std::map<std::pair<std::string, std::size_t>, std::pair<RunRecord, std::size_t>> chosen;
  for (std::size_t f = 0; f < folders.size(); ++f) {
    auto list = folders[f].read_records();
    for (auto& problem : list.problems) summary.notes.push_back(problem + " (skipped)");
    for (auto& record : list.records) {
      const auto key = std::make_pair(record.run_id, record.index);
      const auto found = chosen.find(key);
      if (found == chosen.end()) {
        chosen.emplace(key, std::make_pair(std::move(record), f));
        continue;
      }
      ++summary.duplicates;
      RunRecord& kept = found->second.first;
      if (!is_finished(kept.status) && is_finished(record.status)) {
        found->second = std::make_pair(std::move(record), f);
      } else if (is_finished(kept.status) && is_finished(record.status) && kept.metrics.has_value() &&
                 record.metrics.has_value() && to_json(kept)["metrics"] != to_json(record)["metrics"]) {
        summary.notes.push_back(fmt::format("run {} ({}) was measured in {} and in {} with different results; the first is kept",
                                            kept.index, kept.run_id, folders[found->second.second].path().string(),
                                            folders[f].path().string()));
      }
    }
  }

  ResultsFolder merged = ResultsFolder::create_or_continue(out);
  merged.lock();
  merged.write_plan(*plan);
  fs::copy_file(folders.front().path() / "suite.resolved.toml", out / "suite.resolved.toml",
                fs::copy_options::overwrite_existing);
  std::vector<std::pair<RunRecord, std::size_t>> ordered;
  ordered.reserve(chosen.size());
  for (auto& [id, entry] : chosen) ordered.push_back(std::move(entry));
  std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.first.index < b.first.index; });
  std::vector<bool> have(summary.planned, false);
  for (auto& [record, f] : ordered) {
    const fs::path from = folders[f].path();
    if (!record.run_dir.empty() && fs::is_directory(from / record.run_dir) && !fs::exists(out / record.run_dir)) {
      fs::create_directories((out / record.run_dir).parent_path());
      link_or_copy(from / record.run_dir, out / record.run_dir);
    }
    if (!record.training.checkpoint.empty()) record.training.checkpoint = relocated(record.training.checkpoint, from, out);
    merged.append(record);
    if (record.index < have.size() && is_finished(record.status)) have[record.index] = true;
    ++summary.records;
  }
  for (std::size_t i = 0; i < have.size(); ++i) {
    if (!have[i]) summary.missing.push_back(i);
  }
  return summary;
}

}  // namespace gcbench
