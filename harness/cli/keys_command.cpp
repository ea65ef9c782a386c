#include <fmt/format.h>

#include "commands.hpp"
#include "config/harness_schema.hpp"
#include "config/option_values.hpp"

namespace gcbench::cli {

int keys_command() {
  fmt::print("Suite keys (plugin options go in [dataset.options], [architecture.options] and\n"
             "[estimators.<name>]; `gcbench plugins` lists them):\n\n");
  for (const auto& key : harness_keys()) {
    std::string range;
    if (key.spec.min) range += fmt::format(", >= {}", *key.spec.min);
    if (key.spec.max) range += fmt::format(", <= {}", *key.spec.max);
    if (!key.spec.choices.empty()) range += fmt::format(", one of {}", fmt::join(key.spec.choices, "|"));
    fmt::print("  {:<28} {} ({}, default {}{}): {}\n", key.spec.name, key.required ? "required" : "        ",
               to_string(key.spec.type), to_json(key.spec.default_value).dump(), range, key.spec.help);
  }
  fmt::print("\n  [sweep] maps any key above, or a plugin option such as \"architecture.options.width\",\n"
             "  to a list of values; the runs are the grid of all lists times suite.seeds.\n");
  return 0;
}

}  // namespace gcbench::cli
