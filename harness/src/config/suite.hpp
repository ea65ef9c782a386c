// A suite file, read, overridden from the command line, and checked against
// the harness's keys and each named plugin's declared options.
#pragma once

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "config/config_error.hpp"

namespace gcbench {

class PluginRegistry;

// `--set key=value`: the value is read as TOML (0.1, [1, 2], "text"); anything
// that is not valid TOML is taken as a string.
struct Override {
  std::string key;
  std::string value;
};
Override parse_override(const std::string& text);  // throws ConfigError

// "training.lr" -> the JSON pointer "/training/lr".
nlohmann::json::json_pointer key_pointer(const std::string& dotted_key);

struct SweepAxis {
  std::string key;                      // dotted path into the config, e.g. "training.lr"
  std::vector<nlohmann::json> values;
};

struct Suite {
  std::string name;
  std::filesystem::path file;
  nlohmann::json base;              // every key resolved: given, or its default
  std::vector<SweepAxis> sweep;     // grid axes, in file order
  std::vector<std::int64_t> seeds;
  toml::table table;                // the suite as read, overrides applied
};

// Parses the file and applies overrides; throws ConfigError (file:line:column) on syntax errors.
toml::table read_suite_table(const std::filesystem::path& file, const std::vector<Override>& overrides);

// Plugin folders the suite names, made absolute against the suite's folder.
std::vector<std::filesystem::path> suite_plugin_folders(const toml::table& table, const std::filesystem::path& file);

// Checks every key; throws ConfigError listing every problem found, not just the first.
Suite validate_suite(toml::table table, const std::filesystem::path& file, const PluginRegistry& registry);

}  // namespace gcbench
