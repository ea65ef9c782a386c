// A suite, checked against the harness's keys and each named plugin's declared
// options, as the variants it runs and each variant's sweep and seeds.
#pragma once

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "config/config_error.hpp"
#include "config/suite_file.hpp"

namespace gcbench {

class PluginRegistry;

// "training.lr" -> the JSON pointer "/training/lr".
nlohmann::json::json_pointer key_pointer(const std::string& dotted_key);

// One dimension of the sweep grid: one key's list, or several keys' lists zipped
// together ([[sweep.zip]]), where point i takes value i of every list.
struct SweepAxis {
  std::vector<std::string> keys;                   // dotted paths, e.g. "training.lr"
  std::vector<std::vector<nlohmann::json>> points;  // points[i][k]: keys[k]'s value at point i
};

// The whole suite with one [variants.<name>] table merged over it; a suite with
// no variants has one, named "".
struct SuiteVariant {
  std::string name;
  nlohmann::json base;            // every key resolved: given, or its default
  std::vector<SweepAxis> sweep;   // grid axes, in file order
  std::vector<std::int64_t> seeds;
};

struct Suite {
  std::string name;
  std::string description;
  std::filesystem::path file;
  std::vector<SuiteVariant> variants;
  toml::table table;                // the suite as read: includes and overrides applied
};

// Reads the suite (read_suite_table) and checks every key of every variant;
// throws ConfigError listing every problem found, not just the first.
Suite validate_suite(const std::filesystem::path& file, const std::vector<Override>& overrides,
                     const PluginRegistry& registry);

}  // namespace gcbench
