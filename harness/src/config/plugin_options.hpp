// A plugin's options from `--set name=value` pairs, outside any suite: every
// declared option at its default unless given, each given one checked.
#pragma once

#include <vector>

#include "config/suite.hpp"
#include "gcbench/sdk/options.hpp"

namespace gcbench {

struct PluginRecord;

// Throws ConfigError naming the --set and what the plugin accepts.
Options plugin_options(const PluginRecord& plugin, const std::vector<Override>& given);

}  // namespace gcbench
