#include "plan/plan.hpp"

#include <fmt/format.h>

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

std::vector<PlannedRun> plan_runs(const Suite& suite) {
  std::size_t points = 1;
  for (const auto& axis : suite.sweep) points *= axis.values.size();

  std::vector<PlannedRun> runs;
  for (const auto seed : suite.seeds) {
    for (std::size_t point = 0; point < points; ++point) {
      PlannedRun run;
      run.index = runs.size();
      run.seed = seed;
      run.config = suite.base;
      run.swept = json::object();
      std::size_t rest = point;
      for (auto axis = suite.sweep.rbegin(); axis != suite.sweep.rend(); ++axis) {
        const json& value = axis->values[rest % axis->values.size()];
        rest /= axis->values.size();
        run.config[key_pointer(axis->key)] = value;
        run.swept[axis->key] = value;
      }
      run.config["seed"] = seed;
      json identity = run.config;
      identity.erase("runtime");
      run.id = config_hash(identity);
      runs.push_back(std::move(run));
    }
  }
  return runs;
}

}  // namespace gcbench
