// What a plugin says about itself: shown by `gcbench plugins`, used to check suites.
#pragma once

#include <string>
#include <vector>

#include "gcbench/sdk/abi.hpp"
#include "gcbench/sdk/options.hpp"

namespace gcbench {

struct PluginInfo {
  PluginKind kind = PluginKind::architecture;  // filled in by the registration macro
  std::string name;                            // the name suites use, e.g. "conv4"
  std::string version;                         // the plugin's own version, recorded with results
  std::string summary;                         // one line for `gcbench plugins`
  std::vector<OptionSpec> options;
};

}  // namespace gcbench
