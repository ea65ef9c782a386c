// Converting configuration values between TOML, plugin option values and JSON,
// and checking them against an OptionSpec.
#pragma once

#include <toml++/toml.h>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "gcbench/sdk/options.hpp"

namespace gcbench {

// The value of `node` as `spec` declares it, or std::nullopt with `problem` set
// ("expects a real, got a string", "is 0, below the minimum 1e-9").
std::optional<OptionValue> to_option_value(const toml::node& node, const OptionSpec& spec, std::string& problem);

std::optional<OptionValue> to_option_value(const nlohmann::json& value, const OptionSpec& spec, std::string& problem);

nlohmann::json to_json(const OptionValue& value);

// A plain TOML value as JSON (tables and arrays recursively).
nlohmann::json to_json(const toml::node& node);

// `key = value` read as one TOML line (so dotted and quoted keys work as in a file);
// a value that is not TOML is taken as the text itself. `where` names the source in
// locations. Throws ConfigError when the key is not a TOML key.
toml::table parse_assignment(const std::string& key, const std::string& value, const std::string& where);

// "file:line:column" of a TOML node or key; just "--set key=value" for command-line overrides.
std::string location_of(const toml::source_region& source);
inline std::string location_of(const toml::node& node) { return location_of(node.source()); }
inline std::string location_of(const toml::key& key) { return location_of(key.source()); }

}  // namespace gcbench
