#include "commands.hpp"

namespace gcbench::cli {

LoadedSuite load_suite(const SuiteArguments& arguments) {
  std::vector<Override> overrides;
  for (const auto& text : arguments.overrides) overrides.push_back(parse_override(text));
  toml::table table = read_suite_table(arguments.suite, overrides);

  auto folders = default_plugin_folders();
  for (const auto& folder : arguments.plugin_folders) folders.emplace_back(folder);
  for (const auto& folder : suite_plugin_folders(table, arguments.suite)) folders.push_back(folder);
  PluginRegistry registry = PluginRegistry::discover(folders);
  print_warnings(registry);
  Suite suite = validate_suite(arguments.suite, overrides, registry);
  return {std::move(registry), std::move(suite)};
}

}  // namespace gcbench::cli
