#include "runner/reidentify.hpp"

#include <optional>

#include "config/run_identity.hpp"

namespace gcbench {
using nlohmann::json;

namespace {

std::optional<IdentityDefaults> defaults_of(const Suite& suite, const std::string& variant) {
  for (const auto& candidate : suite.variants) {
    if (candidate.name == variant) return candidate.identity_defaults();
  }
  return std::nullopt;
}

// The versions a record says it ran with, by options table; those it does not
// name (records of schema 1 named no penalty estimator) stay the suite's.
void use_recorded_versions(IdentityDefaults& defaults, const Provenance& provenance) {
  const auto use = [&](const std::string& table, const PluginVersion& plugin) {
    if (!plugin.version.empty()) defaults.plugin_versions[table] = plugin.version;
  };
  use("dataset.options", provenance.dataset);
  use("architecture.options", provenance.architecture);
  for (const auto& [name, plugin] : provenance.gc_estimators) use("estimators." + name, plugin);
}

}  // namespace

json reidentified_plan(const json& stored, const Suite& suite) {
  json out = stored;
  for (auto& run : out) {
    const auto defaults = defaults_of(suite, run.value("variant", std::string()));
    if (!defaults || !run.contains("config")) continue;
    run["run_id"] = run_identity(run["config"], *defaults);
    run["training_id"] = training_identity(run["config"], *defaults);
  }
  return out;
}

void reidentify(std::vector<RunRecord>& records, const Suite& suite) {
  for (auto& record : records) {
    auto defaults = defaults_of(suite, record.variant);
    if (!defaults) continue;
    use_recorded_versions(*defaults, record.provenance);
    record.run_id = run_identity(record.config, *defaults);
    record.training_id = training_identity(record.config, *defaults);
  }
}

}  // namespace gcbench
