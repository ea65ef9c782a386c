// Whether the data of every planned run is there, before `gcbench run` makes a
// results folder or starts a run: a suite whose data is missing stops at once,
// saying which command gets it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "gcbench/sdk/plugin_info.hpp"
#include "plan/plan.hpp"

namespace gcbench {

class PluginRegistry;

// The command that gets a dataset's data into `root` ("" for the plugin's own
// default location): `gcbench data fetch` for a dataset with public archives,
// `gcbench data prepare --from` for one built from another dataset; "" for a
// dataset with neither (its own message says where its data comes from).
std::string how_to_get_data(const PluginInfo& dataset, const std::filesystem::path& root);

// Opens the dataset of each distinct dataset setting (plugin, root, options)
// of `runs`, one at a time. Throws DatasetUnavailable (DatasetCache's: the
// plugin's message and how_to_get_data's command) for the first that cannot be opened.
void check_planned_data(const std::vector<PlannedRun>& runs, const PluginRegistry& registry);

}  // namespace gcbench
