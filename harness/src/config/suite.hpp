// A suite, checked against the harness's keys and each named plugin's declared
// options, as the variants it runs and each variant's sweep and seeds.
#pragma once

#include <toml++/toml.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "config/config_error.hpp"
#include "config/harness_schema.hpp"
#include "config/run_config.hpp"
#include "config/run_identity.hpp"
#include "config/suite_file.hpp"
#include "config/sweep.hpp"

namespace gcbench {

class PluginRegistry;

// The whole suite with one [variants.<name>] table merged over it; a suite with
// no variants has one, named "".
struct SuiteVariant {
  std::string name;
  nlohmann::json base;           // every key resolved: given, or its default
  std::vector<SweepAxis> sweep;  // grid axes, in file order
  std::vector<std::int64_t> seeds;
  PluginOptionSpecs option_specs;                      // each named plugin's declared options, by the table holding them
  std::map<std::string, std::string> plugin_versions;  // and its version: both are what run ids are taken against

  IdentityDefaults identity_defaults() const { return {option_specs, plugin_versions}; }
};

struct Suite {
  std::string name;
  std::string description;
  std::filesystem::path file;
  std::vector<SuiteVariant> variants;
  toml::table table;  // the suite as read: includes and overrides applied
};

// The most runs one suite may plan; a grid past it is almost surely a mistake.
inline constexpr std::size_t kMaxPlannedRuns = 100000;

// Reads the suite (read_suite_table) and checks every key of every variant;
// throws ConfigError listing every problem found, not just the first.
Suite validate_suite(const std::filesystem::path& file, const std::vector<Override>& overrides, const PluginRegistry& registry);

}  // namespace gcbench
