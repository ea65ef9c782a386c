// Reading a suite file into one TOML table: its includes merged under it, then
// the command line's overrides on top.
#pragma once

#include <toml++/toml.h>

#include <filesystem>
#include <string>
#include <vector>

#include "config/config_error.hpp"

namespace gcbench {

// `--set key=value`: the value is read as TOML (0.1, [1, 2], "text"); anything
// that is not valid TOML is taken as a string.
struct Override {
  std::string key;
  std::string value;
};
Override parse_override(const std::string& text);  // throws ConfigError

// Reads `file`. A top-level `include = "base.toml"` (or a list of files, relative
// to the including file) is read first, recursively, and the file's own keys are
// merged over it: tables merge key by key, any other value replaces. Overrides go
// over everything, named variants included. Throws ConfigError (file:line:column)
// on syntax errors, missing files and include cycles.
toml::table read_suite_table(const std::filesystem::path& file, const std::vector<Override>& overrides);

// Merges `from` into `into`: tables merge key by key, anything else replaces.
void merge_tables(toml::table& into, toml::table&& from);

// Plugin folders the suite names, made absolute against the suite's folder.
std::vector<std::filesystem::path> suite_plugin_folders(const toml::table& table, const std::filesystem::path& file);

}  // namespace gcbench
