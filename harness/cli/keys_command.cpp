#include <fmt/format.h>

#include "commands.hpp"
#include "config/harness_schema.hpp"
#include "config/option_values.hpp"

namespace gcbench::cli {

int keys_command() {
  fmt::print(
      "Suite keys (plugin options go in [dataset.options], [architecture.options] and\n"
      "[estimators.<name>]; `gcbench plugins` lists them):\n\n");
  for (const auto& key : harness_keys()) {
    std::string range;
    if (key.spec.min) range += fmt::format(", >= {}", *key.spec.min);
    if (key.spec.max) range += fmt::format(", <= {}", *key.spec.max);
    if (!key.spec.choices.empty()) range += fmt::format(", one of {}", fmt::join(key.spec.choices, "|"));
    fmt::print("  {:<28} {} ({}, default {}{}): {}\n", key.spec.name, key.required ? "required" : "        ",
               to_string(key.spec.type), to_json(key.spec.default_value).dump(), range, key.spec.help);
  }
  fmt::print(
      "\n  [sweep] maps any key above, or a plugin option such as \"architecture.options.width\",\n"
      "  to a list of values; the runs are the grid of all lists times suite.seeds.\n"
      "  [[sweep.zip]] holds equally long lists that advance together: one axis of the grid.\n"
      "  include = \"base.toml\" (or a list), at the top of a file, reads those files first;\n"
      "  the file's own keys, then --set, override theirs.\n"
      "  [variants.<name>] tables hold any suite keys (a sweep too); each variant is the\n"
      "  suite with its table merged over it, and runs its own grid.\n");
  return 0;
}

}  // namespace gcbench::cli
