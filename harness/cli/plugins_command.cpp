#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "config/option_values.hpp"

namespace gcbench::cli {

int plugins_command(const std::vector<std::string>& plugin_folders, bool as_json) {
  const auto registry = discover_plugins(plugin_folders);

  if (as_json) {
    nlohmann::json out = {{"plugins", nlohmann::json::array()}, {"rejected", nlohmann::json::array()}};
    for (const auto& plugin : registry.plugins()) {
      nlohmann::json options = nlohmann::json::array();
      for (const auto& spec : plugin.info.options) {
        options.push_back({{"name", spec.name},
                           {"type", to_string(spec.type)},
                           {"default", to_json(spec.default_value)},
                           {"help", spec.help},
                           {"min", spec.min ? nlohmann::json(*spec.min) : nlohmann::json()},
                           {"max", spec.max ? nlohmann::json(*spec.max) : nlohmann::json()},
                           {"choices", spec.choices}});
      }
      out["plugins"].push_back({{"kind", to_string(plugin.info.kind)},
                                {"name", plugin.info.name},
                                {"version", plugin.info.version},
                                {"abi_version", plugin.abi_version},
                                {"libtorch_version", plugin.libtorch_version},
                                {"sha256", plugin.sha256},
                                {"summary", plugin.info.summary},
                                {"file", plugin.file.string()},
                                {"options", options}});
      if (plugin.info.kind == PluginKind::dataset) {
        nlohmann::json archives = nlohmann::json::array();
        for (const auto& archive : plugin.info.archives) {
          archives.push_back({{"url", archive.url}, {"checksum", archive.checksum}, {"size_bytes", archive.size_bytes}});
        }
        out["plugins"].back()["archives"] = archives;
        out["plugins"].back()["prepare_from"] =
            plugin.info.prepare ? nlohmann::json(plugin.info.prepare_source) : nlohmann::json();
      }
    }
    for (const auto& rejected : registry.rejected()) {
      out["rejected"].push_back({{"file", rejected.file.string()}, {"reason", rejected.reason}});
    }
    fmt::print("{}\n", out.dump(2));
    return 0;
  }

  fmt::print("{:<13} {:<13} {:<8} {:<4} {}\n", "KIND", "NAME", "VERSION", "ABI", "FILE");
  for (const auto& plugin : registry.plugins()) {
    fmt::print("{:<13} {:<13} {:<8} {:<4} {}\n", to_string(plugin.info.kind), plugin.info.name, plugin.info.version,
               plugin.abi_version, plugin.file.string());
    fmt::print("    {}\n", plugin.info.summary);
    for (const auto& spec : plugin.info.options) {
      fmt::print("      {} ({}, default {}): {}\n", spec.name, to_string(spec.type), to_json(spec.default_value).dump(),
                 spec.help);
    }
    for (const auto& archive : plugin.info.archives) {
      fmt::print("      data fetch: {} ({})\n", archive.url, archive.checksum);
    }
    if (plugin.info.prepare) fmt::print("      data prepare --from: {}\n", plugin.info.prepare_source);
  }
  if (registry.plugins().empty()) {
    std::vector<std::string> searched;
    for (const auto& f : registry.searched_folders()) searched.push_back(f.string());
    fmt::print(stderr, "no plugins found; searched {}\n", fmt::join(searched, ", "));
    return 1;
  }
  return 0;
}

}  // namespace gcbench::cli
