// What a plugin says about itself: shown by `gcbench plugins`, used to check suites.
#pragma once

#include <string>
#include <vector>

#include "gcbench/sdk/abi.hpp"
#include "gcbench/sdk/data_source.hpp"
#include "gcbench/sdk/options.hpp"

namespace gcbench {

struct PluginInfo {
  PluginKind kind = PluginKind::architecture;  // filled in by the registration macro
  std::string name;                            // the name suites use, e.g. "conv4"
  // The plugin's own version, recorded with results. Its major version (before
  // 1.0, its minor) is part of every run id: bump it when an option's default
  // changes, so results of the old behaviour keep ids of their own.
  std::string version;
  std::string summary;  // one line for `gcbench plugins`
  std::vector<OptionSpec> options;
  // Problems with a combination of option values that need no data to find
  // ("class 4 is in both source_classes and target_classes"), one sentence each.
  // `gcbench validate` runs it on the options a suite gives, so such a suite is
  // refused before anything trains. Null: nothing beyond each option's declaration.
  // A plain function pointer, not a std::function: copies of PluginInfo may
  // outlive the plugin's library, and destroying a std::function runs its code.
  std::vector<std::string> (*check_options)(const Options&) = nullptr;

  // Datasets only. The public archives `gcbench data fetch` downloads into the
  // data root (none: the data has no public download).
  std::vector<DataArchive> archives;
  // Builds the data root from data the user has, for `gcbench data prepare
  // --from DIR`; null when the dataset has no such builder. prepare_source says
  // in a few words what DIR must be, for --help and errors.
  PrepareFunction prepare = nullptr;
  std::string prepare_source;
};

}  // namespace gcbench
