#include "runner/shards.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <regex>
#include <stdexcept>

namespace gcbench {

namespace {
constexpr double kMeasuring = 0.05;  // measuring costs about a twentieth of an epoch
}  // namespace

Shard parse_shard(const std::string& text) {
  static const std::regex form("([0-9]{1,6})/([0-9]{1,6})");
  std::smatch match;
  if (!std::regex_match(text, match, form)) {
    throw std::invalid_argument(fmt::format("--shard is \"{}\"; give I/N, e.g. --shard 2/8 for the second of 8 shards", text));
  }
  const Shard shard{std::stoul(match[1].str()), std::stoul(match[2].str())};
  if (shard.count < 1 || shard.index < 1 || shard.index > shard.count) {
    throw std::invalid_argument(fmt::format("--shard is \"{}\"; I runs from 1 to N", text));
  }
  return shard;
}

double planned_cost(const PlannedRun& run) {
  const auto& training = run.run_config.training;
  if (!training.from_checkpoint.empty()) return kMeasuring;
  // A GC-penalty step costs about 3 plain steps (gcbench bench: train_step_gc_penalty against train_step).
  const double per_epoch = training.gc_penalty > 0 ? 3.0 : 1.0;
  return static_cast<double>(training.epochs) * per_epoch + kMeasuring;
}

namespace {

struct Group {
  std::size_t first;
  double cost = 0;
  std::vector<std::size_t> members;
};

// Runs joined by a training id or a run id, found by union-find over plan
// positions; largest planned cost first, then plan order.
std::vector<Group> groups_of(const std::vector<PlannedRun>& runs) {
  std::vector<std::size_t> parent(runs.size());
  for (std::size_t i = 0; i < runs.size(); ++i) parent[i] = i;
  const auto root = [&](std::size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  };
  std::map<std::string, std::size_t> first_by_training, first_by_id;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    for (auto* first : {&first_by_training, &first_by_id}) {
      const std::string& key = first == &first_by_training ? runs[i].training_id : runs[i].id;
      const auto [at, inserted] = first->emplace(key, i);
      if (!inserted) parent[root(i)] = root(at->second);
    }
  }
  std::map<std::size_t, Group> groups;
  std::map<std::string, bool> training_counted;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    Group& group = groups.try_emplace(root(i), Group{i}).first->second;
    group.members.push_back(i);
    // A group trains each of its networks once; the other runs only measure.
    const bool first_training = !training_counted[runs[i].training_id];
    training_counted[runs[i].training_id] = true;
    group.cost += first_training ? planned_cost(runs[i]) : kMeasuring;
  }
  std::vector<Group> ordered;
  ordered.reserve(groups.size());
  for (auto& [unused, group] : groups) ordered.push_back(std::move(group));
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const Group& a, const Group& b) { return a.cost != b.cost ? a.cost > b.cost : a.first < b.first; });
  return ordered;
}

}  // namespace

std::size_t independent_groups(const std::vector<PlannedRun>& runs) { return groups_of(runs).size(); }

std::vector<PlannedRun> shard_runs(const std::vector<PlannedRun>& runs, const Shard& shard) {
  if (shard.whole()) return runs;
  const auto ordered = groups_of(runs);
  std::vector<double> load(shard.count, 0.0);
  std::vector<bool> mine(runs.size(), false);
  for (const auto& group : ordered) {
    const auto least = static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    load[least] += group.cost;
    if (least + 1 == shard.index) {
      for (const auto member : group.members) mine[member] = true;
    }
  }
  std::vector<PlannedRun> out;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (mine[i]) out.push_back(runs[i]);
  }
  return out;
}

}  // namespace gcbench
