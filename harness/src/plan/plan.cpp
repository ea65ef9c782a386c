#include "plan/plan.hpp"

#include <algorithm>
#include <set>

#include "config/run_identity.hpp"

namespace gcbench {
using nlohmann::json;

std::size_t sweep_points(const SuiteVariant& variant) { return sweep_points(variant.sweep); }

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
  const auto defaults = variant.identity_defaults();
  run.id = run_identity(run.config, defaults);
  run.training_id = training_identity(run.config, defaults);
  run.run_config = to_run_config(run.config, variant.option_specs);
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

json to_json(const PlannedRun& run) {
  return {{"index", run.index},     {"run_id", run.id}, {"training_id", run.training_id},
          {"variant", run.variant}, {"seed", run.seed}, {"swept", run.swept},
          {"config", run.config}};
}

std::size_t planned_trainings(const std::vector<PlannedRun>& runs) {
  std::set<std::string> ids;
  for (const auto& run : runs) {
    if (run.run_config.training.from_checkpoint.empty()) ids.insert(run.training_id);
  }
  return ids.size();
}

nlohmann::json plan_json(const std::vector<PlannedRun>& runs) {
  nlohmann::json plan = nlohmann::json::array();
  for (const auto& run : runs) plan.push_back(to_json(run));
  return plan;
}

}  // namespace gcbench
