#include "runner/data_check.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <set>

#include "config/option_values.hpp"
#include "plugins/plugin_registry.hpp"
#include "runner/dataset_cache.hpp"
#include "util/shell_quote.hpp"

namespace gcbench {

std::string how_to_get_data(const PluginInfo& dataset, const std::filesystem::path& root) {
  // The root is the user's text: quoted, so the command can be pasted as it is.
  const std::string where = root.empty() ? "DIR" : shell_quote(root.string());
  const std::string then = root.empty() ? fmt::format(
                                              ", then point dataset.root at DIR (or set GCBENCH_DATA to the folder "
                                              "holding {}/)",
                                              dataset.name)
                                        : "";
  std::vector<std::string> ways;
  if (!dataset.archives.empty()) ways.push_back(fmt::format("gcbench data fetch {} {}", dataset.name, where));
  if (dataset.prepare) {
    ways.push_back(
        fmt::format("gcbench data prepare {} {} --from SOURCE (SOURCE: {})", dataset.name, where, dataset.prepare_source));
  }
  if (ways.empty()) return "";
  return fmt::format("get the data with `{}`{}", fmt::join(ways, "` or `"), then);
}

void check_planned_data(const std::vector<PlannedRun>& runs, const PluginRegistry& registry) {
  std::set<std::string> checked;
  for (const auto& run : runs) {
    const RunConfig& config = run.run_config;
    if (!checked.insert(dataset_key(config)).second) continue;
    const auto root = resolve_data_root(config.dataset_root, config.dataset.plugin);
    spdlog::info("checking the data of dataset plugin '{}' at {}", config.dataset.plugin,
                 root.empty() ? "its default location" : root.string());
    DatasetCache(registry).get(config);  // one at a time: held only while checked
  }
}

}  // namespace gcbench
