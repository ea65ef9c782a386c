#include "config/run_identity.hpp"

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

std::string run_identity(const json& config) {
  json identity = config;
  identity.erase("runtime");
  return config_hash(identity);
}

std::string training_identity(const json& config) {
  json identity = json::object();
  for (const char* key : {"dataset", "architecture", "training", "seed"}) {
    if (config.contains(key)) identity[key] = config[key];
  }
  const json training = config.value("training", json::object());
  const json estimators = config.value("estimators", json::object());
  const auto uses = [&](const char* switch_key, const char* estimator_key) {
    const json on = training.value(switch_key, json(0));
    if (!on.is_number() || on.get<double>() <= 0) return;
    const std::string name = training.value(estimator_key, std::string());
    if (estimators.contains(name)) identity["estimators"][name] = estimators[name];
  };
  uses("gc_penalty", "gc_penalty_estimator");
  uses("trajectory_every", "trajectory_estimator");
  return config_hash(identity);
}

}  // namespace gcbench
