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

std::vector<PlannedRun> plan_runs(const Suite& suite) {
  std::size_t most_seeds = 0;
  for (const auto& variant : suite.variants) most_seeds = std::max(most_seeds, variant.seeds.size());

  std::vector<PlannedRun> runs;
  for (std::size_t s = 0; s < most_seeds; ++s) {
    for (const auto& variant : suite.variants) {
      if (s >= variant.seeds.size()) continue;
      for (std::size_t point = 0; point < sweep_points(variant); ++point) {
        PlannedRun run;
        run.index = runs.size();
        run.variant = variant.name;
        run.seed = variant.seeds[s];
        run.config = variant.base;
        run.swept = json::object();
        std::size_t rest = point;
        for (auto axis = variant.sweep.rbegin(); axis != variant.sweep.rend(); ++axis) {
          const auto& values = axis->points[rest % axis->points.size()];
          rest /= axis->points.size();
          for (std::size_t k = 0; k < axis->keys.size(); ++k) {
            run.config[key_pointer(axis->keys[k])] = values[k];
            run.swept[axis->keys[k]] = values[k];
          }
        }
        run.config["seed"] = run.seed;
        json identity = run.config;
        identity.erase("runtime");
        run.id = config_hash(identity);
        runs.push_back(std::move(run));
      }
    }
  }
  return runs;
}

}  // namespace gcbench
