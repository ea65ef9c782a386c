#include <fmt/format.h>

#include "commands.hpp"

namespace gcbench::cli {

void print_warnings(const PluginRegistry& registry) {
  for (const auto& warning : registry.warnings()) fmt::print(stderr, "warning: {}\n", warning);
  for (const auto& rejected : registry.rejected()) fmt::print(stderr, "warning: plugin not loaded: {}\n", rejected.reason);
}

PluginRegistry discover_plugins(const std::vector<std::string>& plugin_paths, const std::vector<std::filesystem::path>& more) {
  auto folders = default_plugin_folders();
  for (const auto& folder : plugin_paths) folders.emplace_back(folder);
  folders.insert(folders.end(), more.begin(), more.end());
  PluginRegistry registry = PluginRegistry::discover(folders);
  print_warnings(registry);
  return registry;
}

}  // namespace gcbench::cli
