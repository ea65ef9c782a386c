// Plugins as the tests use them: loaded from the build's plugin folder, with
// every option at its declared default unless a test says otherwise.
#pragma once

#include <map>
#include <string>

#include "plugins/plugin_registry.hpp"

namespace gcbench::testing {

const PluginRegistry& bundled_plugins();

Options options_for(PluginKind kind, const std::string& name, std::map<std::string, OptionValue> given = {});

}  // namespace gcbench::testing
