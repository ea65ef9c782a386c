#include "commands.hpp"

namespace gcbench::cli {

LoadedSuite load_suite(const SuiteArguments& arguments) {
  std::vector<Override> overrides;
  for (const auto& text : arguments.overrides) overrides.push_back(parse_override(text));
  toml::table table = read_suite_table(arguments.suite, overrides);

  PluginRegistry registry = discover_plugins(arguments.plugin_folders, suite_plugin_folders(table, arguments.suite));
  Suite suite = validate_suite(arguments.suite, overrides, registry);
  return {std::move(registry), std::move(suite)};
}

}  // namespace gcbench::cli
