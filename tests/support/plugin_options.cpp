#include "support/plugin_options.hpp"

#include "support/fixtures.hpp"

namespace gcbench::testing {

const PluginRegistry& bundled_plugins() {
  static const auto registry = PluginRegistry::discover({plugin_dir()});
  return registry;
}

Options options_for(PluginKind kind, const std::string& name, std::map<std::string, OptionValue> given) {
  for (const auto& spec : bundled_plugins().find(kind, name).info.options) {
    given.emplace(spec.name, spec.default_value);  // keeps a given value
  }
  return Options(std::move(given));
}

}  // namespace gcbench::testing
