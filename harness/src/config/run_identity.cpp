#include "config/run_identity.hpp"

#include <fmt/format.h>

#include "config/option_values.hpp"

namespace gcbench {
using nlohmann::json;

namespace {

// Removes `pointer` from `doc` when it holds `value`.
void erase_if_equal(json& doc, const json::json_pointer& pointer, const json& value) {
  if (!doc.contains(pointer) || doc.at(pointer) != value) return;
  doc.at(pointer.parent_pointer()).erase(pointer.back());
}

// Tables left with nothing in them say nothing: a table that a newer gcbench
// adds, all at defaults, must not change an id.
void drop_empty_tables(json& doc) {
  if (!doc.is_object()) return;
  for (auto it = doc.begin(); it != doc.end();) {
    drop_empty_tables(*it);
    if (it->is_object() && it->empty()) {
      it = doc.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace

std::string major_version(const std::string& version) {
  const auto first = version.find('.');
  if (first == std::string::npos) return version;
  if (version.compare(0, first, "0") != 0) return version.substr(0, first);
  return version.substr(0, version.find('.', first + 1));
}

json identity_basis(const json& config, const IdentityDefaults& defaults, const std::vector<HarnessKey>& keys) {
  json basis = config;
  basis.erase("runtime");
  for (const auto& key : keys) {
    if (!key.default_since.empty()) continue;  // its default changed: the value always counts
    erase_if_equal(basis, key_pointer(key.spec.name), to_json(key.spec.default_value));
  }
  for (const auto& [table, specs] : defaults.plugin_options) {
    const auto pointer = key_pointer(table);
    if (!basis.contains(pointer) || !basis.at(pointer).is_object()) continue;
    for (const auto& spec : specs) erase_if_equal(basis, pointer / spec.name, to_json(spec.default_value));
  }
  drop_empty_tables(basis);
  for (const auto& [table, version] : defaults.plugin_versions) {
    // Only the plugins this config uses: an estimator table it does not hold says nothing about it.
    if (config.contains(key_pointer(table))) basis["plugin_versions"][table] = major_version(version);
  }
  return basis;
}

std::string config_hash(const json& config) {
  // nlohmann::json keeps object keys sorted, so dump() is canonical.
  std::uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : config.dump()) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return fmt::format("{:016x}", hash);
}

std::string run_identity(const json& config, const IdentityDefaults& defaults) {
  return config_hash(identity_basis(config, defaults));
}

std::string training_identity(const json& config, const IdentityDefaults& defaults) {
  json trained = json::object();
  for (const char* key : {"dataset", "architecture", "training", "seed"}) {
    if (config.contains(key)) trained[key] = config[key];
  }
  const json training = config.value("training", json::object());
  const json estimators = config.value("estimators", json::object());
  const auto uses = [&](const char* switch_key, const char* estimator_key) {
    const json on = training.value(switch_key, json(0));
    if (!on.is_number() || on.get<double>() <= 0) return;
    const std::string name = training.value(estimator_key, std::string());
    if (estimators.contains(name)) trained["estimators"][name] = estimators[name];
  };
  uses("gc_penalty", "gc_penalty_estimator");
  uses("trajectory_every", "trajectory_estimator");
  return config_hash(identity_basis(trained, defaults));
}

}  // namespace gcbench
