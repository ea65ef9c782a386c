#include "config/suite_file.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "config/harness_schema.hpp"
#include "config/option_values.hpp"

namespace gcbench {
namespace fs = std::filesystem;

namespace {

toml::table parse_file(const fs::path& file, const std::string& included_from) {
  if (!fs::exists(file)) {
    throw ConfigError(
        {{included_from.empty() ? file.string() : included_from,
          included_from.empty() ? "no such suite file" : fmt::format("included file {} does not exist", file.string())}});
  }
  if (!fs::is_regular_file(file)) {
    throw ConfigError({{included_from.empty() ? file.string() : included_from, fmt::format("{} is not a file", file.string())}});
  }
  try {
    return toml::parse_file(file.string());
  } catch (const toml::parse_error& error) {
    throw ConfigError({{fmt::format("{}:{}:{}", file.string(), error.source().begin.line, error.source().begin.column),
                        fmt::format("not valid TOML: {}", error.description())}});
  }
}

// Deeper include chains are refused: no real suite nests this far, and each level costs stack.
constexpr std::size_t kMaxIncludeDepth = 16;

// `file` with its includes resolved; `chain` holds the files being read, to refuse cycles.
toml::table read_with_includes(const fs::path& file, std::vector<fs::path>& chain, const std::string& included_from) {
  if (chain.size() >= kMaxIncludeDepth) {
    throw ConfigError({{included_from, fmt::format("includes nest more than {} files deep (through {}); flatten the chain",
                                                   kMaxIncludeDepth, chain.front().string())}});
  }
  toml::table own = parse_file(file, included_from);
  const fs::path canonical = fs::weakly_canonical(file);
  chain.push_back(canonical);

  toml::table merged;
  if (toml::node* include = own.get(kInclude)) {
    std::vector<const toml::node*> entries;
    if (const auto* list = include->as_array()) {
      for (const auto& element : *list) entries.push_back(&element);
    } else {
      entries.push_back(include);
    }
    for (const toml::node* entry : entries) {
      const auto name = entry->value<std::string>();
      if (!name) throw ConfigError({{location_of(*entry), "'include' takes a file name or a list of file names"}});
      const fs::path path = fs::path(*name).is_absolute() ? fs::path(*name) : file.parent_path() / *name;
      if (std::find(chain.begin(), chain.end(), fs::weakly_canonical(path)) != chain.end()) {
        throw ConfigError({{location_of(*entry), fmt::format("include cycle: {} is already being read", path.string())}});
      }
      merge_tables(merged, read_with_includes(path, chain, location_of(*entry)));
    }
    own.erase(kInclude);
  }
  merge_tables(merged, std::move(own));
  chain.pop_back();
  return merged;
}

// Whether `table` already holds a value at any leaf of `assignment`.
bool holds_any_of(const toml::table& table, const toml::table& assignment) {
  for (const auto& [key, node] : assignment) {
    const toml::node* own = table.get(key);
    if (!own) continue;
    if (!node.is_table() || !own->is_table() || holds_any_of(*own->as_table(), *node.as_table())) return true;
  }
  return false;
}

}  // namespace

Override parse_override(const std::string& text) {
  const auto equals = text.find('=');
  if (equals == std::string::npos || equals == 0) {
    throw ConfigError({{"--set " + text, "expected key=value, e.g. --set training.lr=0.1"}});
  }
  if (text.find_first_of("\r\n") != std::string::npos) {
    throw ConfigError({ConfigIssue{"--set (with a line break)",
                                   "a --set holds one key and one value on one line; give each key its own --set"}});
  }
  return {text.substr(0, equals), text.substr(equals + 1)};
}

void merge_tables(toml::table& into, toml::table&& from) {
  for (auto&& [key, node] : from) {
    toml::table* existing = into.get_as<toml::table>(key);
    if (existing && node.is_table()) {
      merge_tables(*existing, std::move(*node.as_table()));
    } else {
      into.insert_or_assign(key, std::move(node));
    }
  }
}

toml::table read_suite_table(const fs::path& file, const std::vector<Override>& overrides) {
  std::vector<fs::path> chain;
  toml::table table = read_with_includes(file, chain, "");
  for (const auto& override : overrides) {
    const std::string where = "--set " + override.key + "=" + override.value;
    // --set 'sweep."training.lr"=[0.01, 0.1]' works as in a suite file.
    // Parsed afresh for each table it goes into: copied TOML nodes lose their source.
    // A variant that sets the key itself would otherwise win over the command line.
    if (auto* variants = table.get_as<toml::table>(kVariants)) {
      const toml::table assignment = parse_assignment(override.key, override.value, where);
      for (auto&& [name, variant] : *variants) {
        auto* variant_table = variant.as_table();
        if (variant_table && holds_any_of(*variant_table, assignment)) {
          merge_tables(*variant_table, parse_assignment(override.key, override.value, where));
        }
      }
    }
    merge_tables(table, parse_assignment(override.key, override.value, where));
  }
  return table;
}

std::vector<fs::path> suite_plugin_folders(const toml::table& table, const fs::path& file) {
  std::vector<fs::path> folders;
  if (const auto* paths = table.at_path("suite.plugin_paths").as_array()) {
    for (const auto& element : *paths) {
      if (auto path = element.value<std::string>()) {
        fs::path folder(*path);
        folders.push_back(folder.is_absolute() ? folder : file.parent_path() / folder);
      }
    }
  }
  return folders;
}

}  // namespace gcbench
