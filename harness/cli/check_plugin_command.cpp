// `gcbench check-plugin NAME`: the conformance checks a plugin author runs
// before publishing, with one pass/FAIL line each and the exit code to match.
#include <fmt/format.h>

#include "commands.hpp"
#include "config/plugin_options.hpp"
#include "conformance/checks.hpp"
#include "runner/dataset_cache.hpp"

namespace gcbench::cli {

bool print_checks(const std::vector<CheckResult>& results) {
  std::size_t passed = 0;
  for (const auto& result : results) {
    const std::string rule = result.rule.empty() ? "" : "[" + result.rule + "] ";
    fmt::print("  {}  {}{}{}\n", result.passed ? "pass" : "FAIL", rule, result.name,
               result.detail.empty() ? "" : ": " + result.detail);
    if (!result.passed && !result.remedy.empty()) fmt::print("        fix: {}\n", result.remedy);
    passed += result.passed ? 1 : 0;
  }
  fmt::print("{} of {} checks passed\n", passed, results.size());
  return passed == results.size();
}

int check_plugin_command(const CheckPluginArguments& arguments) {
  const auto registry = discover_plugins(arguments.plugin_folders);

  std::vector<PluginRecord> matches;
  for (const auto& plugin : registry.plugins()) {
    const bool kind_fits = arguments.kind.empty() || to_string(plugin.info.kind) == arguments.kind;
    if (plugin.info.name == arguments.name && kind_fits) matches.push_back(plugin);
  }
  if (matches.size() != 1) {
    if (matches.empty()) {
      fmt::print(stderr, "no plugin named '{}'{} was found; `gcbench plugins` lists what loaded and why others did not\n",
                 arguments.name, arguments.kind.empty() ? "" : " of kind " + arguments.kind);
      for (const auto& rejected : registry.rejected()) fmt::print(stderr, "  rejected {}\n", rejected.reason);
    } else {
      fmt::print(stderr, "'{}' names plugins of several kinds; say which with --kind\n", arguments.name);
    }
    return 2;
  }
  const PluginRecord& plugin = matches.front();
  std::vector<Override> given;
  for (const auto& text : arguments.overrides) given.push_back(parse_override(text));
  const Options options = plugin_options(plugin, given);
  fmt::print("checking {} plugin '{}' {} ({}, sha256 {})\n", to_string(plugin.info.kind), plugin.info.name, plugin.info.version,
             plugin.file.string(), plugin.sha256.substr(0, 16));

  std::vector<CheckResult> results;
  switch (plugin.info.kind) {
    case PluginKind::gc_estimator:
      results = check_gc_estimator(*registry.create_gc_estimator(plugin.info.name, options));
      break;
    case PluginKind::architecture:
      results = check_architecture(*registry.create_architecture(plugin.info.name, options));
      break;
    case PluginKind::dataset:
      results =
          check_dataset(*registry.create_dataset(plugin.info.name, resolve_data_root(arguments.root, plugin.info.name), options));
      break;
  }
  return print_checks(results) ? 0 : 1;
}

}  // namespace gcbench::cli
