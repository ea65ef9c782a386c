// The two identities of a planned run, both hashes of its resolved config (the
// JSON a plan writes): equal ids mean equal work, so a results folder does that
// work once.
//
// An id hashes what makes a run differ from the defaults, not the whole config:
// every value equal to its key's declared default is left out. So a new key
// added at a default that keeps behaviour changes no id, and a key set
// explicitly to its default gives the id of leaving it out. A changed default
// is a change of behaviour and must change ids:
//   - a harness key whose default changed names the version in its
//     `default_since` (config/harness_schema.cpp); its value then always
//     enters the id, so runs under the old default keep ids of their own;
//   - a plugin that changes an option's default bumps its major version (the
//     SDK's contract), and each plugin's major version enters the id.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

#include "config/harness_schema.hpp"
#include "config/run_config.hpp"

namespace gcbench {

// What an id is taken against, beside the harness's keys: each plugin's
// declared options and its version, by the table that holds its options
// ("dataset.options", "architecture.options", "estimators.hutchinson").
struct IdentityDefaults {
  PluginOptionSpecs plugin_options;
  std::map<std::string, std::string> plugin_versions;
};

// "1.4.2" -> "1"; "0.3.1" -> "0.3" (before 1.0 a minor release may break).
std::string major_version(const std::string& version);

// The canonical form an id hashes: the config without `runtime`, without every
// value at its declared default (unless the key's default changed), without
// tables left empty, plus the plugins' major versions under "plugin_versions".
nlohmann::json identity_basis(const nlohmann::json& config, const IdentityDefaults& defaults,
                              const std::vector<HarnessKey>& keys = harness_keys());

// A stable 16-hex-digit hash of a configuration (FNV-1a over its canonical JSON).
std::string config_hash(const nlohmann::json& config);

// The whole experiment: the hash of identity_basis (threads change speed, not results).
std::string run_identity(const nlohmann::json& config, const IdentityDefaults& defaults);

// The trained network: dataset, architecture, training keys, seed, and the
// options of the estimators training itself uses (the GC penalty's when
// training.gc_penalty > 0, the trajectories' when training.trajectory_every > 0),
// with the same defaults left out. Runs that differ only in what they measure
// share it and train once.
std::string training_identity(const nlohmann::json& config, const IdentityDefaults& defaults);

}  // namespace gcbench
