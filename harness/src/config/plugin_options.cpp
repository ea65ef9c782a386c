#include "config/plugin_options.hpp"

#include <fmt/format.h>

#include "config/option_values.hpp"
#include "plugins/plugin_registry.hpp"

namespace gcbench {

Options plugin_options(const PluginRecord& plugin, const std::vector<Override>& given) {
  std::map<std::string, OptionValue> values;
  for (const auto& spec : plugin.info.options) values.emplace(spec.name, spec.default_value);
  std::vector<ConfigIssue> issues;
  for (const auto& override : given) {
    const std::string where = "--set " + override.key + "=" + override.value;
    const auto spec = std::find_if(plugin.info.options.begin(), plugin.info.options.end(),
                                   [&](const OptionSpec& s) { return s.name == override.key; });
    if (spec == plugin.info.options.end()) {
      std::vector<std::string> names;
      for (const auto& s : plugin.info.options) names.push_back(s.name);
      issues.push_back({where, fmt::format("{} plugin '{}' has no option '{}'; it accepts: {}", to_string(plugin.info.kind),
                                           plugin.info.name, override.key, fmt::join(names, ", "))});
      continue;
    }
    const toml::table parsed = parse_assignment("value", override.value, where);
    std::string problem;
    if (auto value = to_option_value(*parsed.get("value"), *spec, problem)) {
      values[spec->name] = *value;
    } else {
      issues.push_back({where, fmt::format("'{}' {}", override.key, problem)});
    }
  }
  if (!issues.empty()) throw ConfigError(issues);
  return Options(std::move(values));
}

}  // namespace gcbench
