#include "plan/plan.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace gcbench {
using nlohmann::json;

std::string config_hash(const json& config) {
  // nlohmann::json keeps object keys sorted, so dump() is canonical.
  std::uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : config.dump()) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return fmt::format("{:016x}", hash);
}

std::size_t sweep_points(const SuiteVariant& variant) {
  std::size_t points = 1;
  for (const auto& axis : variant.sweep) points *= axis.points.size();
  return points;
}

namespace {

// Sweep point `point` of `variant` (the grid's last axis fastest) at `seed`.
PlannedRun resolve_run(const SuiteVariant& variant, std::size_t point, std::int64_t seed) {
  PlannedRun run;
  run.variant = variant.name;
  run.seed = seed;
  run.config = variant.base;
  run.swept = json::object();
  for (auto axis = variant.sweep.rbegin(); axis != variant.sweep.rend(); ++axis) {
    const auto& values = axis->points[point % axis->points.size()];
    point /= axis->points.size();
    for (std::size_t k = 0; k < axis->keys.size(); ++k) {
      run.config[key_pointer(axis->keys[k])] = values[k];
      run.swept[axis->keys[k]] = values[k];
    }
  }
  run.config["seed"] = seed;
  json identity = run.config;
  identity.erase("runtime");
  run.id = config_hash(identity);
  return run;
}

}  // namespace

std::vector<PlannedRun> plan_runs(const Suite& suite) {
  std::size_t most_seeds = 0;
  for (const auto& variant : suite.variants) most_seeds = std::max(most_seeds, variant.seeds.size());

  std::vector<PlannedRun> runs;
  for (std::size_t s = 0; s < most_seeds; ++s) {
    for (const auto& variant : suite.variants) {
      if (s >= variant.seeds.size()) continue;
      const std::size_t points = sweep_points(variant);
      for (std::size_t point = 0; point < points; ++point) {
        runs.push_back(resolve_run(variant, point, variant.seeds[s]));
        runs.back().index = runs.size() - 1;
      }
    }
  }
  return runs;
}

}  // namespace gcbench
