#include "config/suite.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <set>
#include <thread>

#include "config/harness_schema.hpp"
#include "config/key_combinations.hpp"
#include "config/option_values.hpp"
#include "plugins/plugin_registry.hpp"
#include "runtime/device.hpp"
#include "util/checked_arithmetic.hpp"

namespace gcbench {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

// The harness keys whose values name GC-estimator plugins.
bool is_estimator_key(const std::string& key) {
  return key == "measure.gc_estimators" || key == "training.gc_penalty_estimator" || key == "training.trajectory_estimator";
}

// One path component of plain characters: a suite name becomes a folder under --out.
bool is_safe_folder_name(const std::string& name) {
  if (name.empty() || name.size() > 100 || name.front() == '.') return false;
  return std::all_of(name.begin(), name.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_' || c == '.'; });
}

std::string known_children(const std::string& table_path) {
  std::set<std::string> names;
  const std::string prefix = table_path.empty() ? "" : table_path + ".";
  for (const auto& key : harness_keys()) {
    if (!starts_with(key.spec.name, prefix)) continue;
    const std::string rest = key.spec.name.substr(prefix.size());
    names.insert(rest.substr(0, rest.find('.')));
  }
  for (const char* special : {kDatasetOptions, kArchitectureOptions, kEstimatorOptions, kSweep, kVariants, kInclude}) {
    const std::string path = special;
    if (starts_with(path, prefix)) names.insert(path.substr(prefix.size(), path.find('.', prefix.size()) - prefix.size()));
  }
  return fmt::format("{}", fmt::join(names, ", "));
}

class Validator {
 public:
  Validator(const toml::table& table, const fs::path& file, const PluginRegistry& registry)
      : table_(table), file_(file), registry_(registry) {}

  // The variant's base still holds the "suite" keys; the caller takes them out.
  SuiteVariant run() {
    check_unknown_keys(table_, "");
    resolve_harness_keys();
    resolve_plugins();
    resolve_sweep();
    resolve_seeds();
    check_resources();
    if (issues_.empty()) check_key_combinations();  // over resolved keys and sweep values only
    if (!issues_.empty()) throw ConfigError(issues_);
    SuiteVariant variant;
    variant.base = base_;
    variant.sweep = sweep_;
    variant.seeds = seeds_;
    variant.option_specs = option_specs_;
    variant.plugin_versions = plugin_versions_;
    return variant;
  }

 private:
  void issue(const toml::node* node, std::string message) {
    issues_.push_back({node ? location_of(*node) : file_.string(), std::move(message)});
  }
  void issue(const toml::key& key, std::string message) { issues_.push_back({location_of(key), std::move(message)}); }

  void check_unknown_keys(const toml::table& table, const std::string& prefix) {
    for (const auto& [key, node] : table) {
      const std::string path = prefix + std::string(key.str());
      const bool plugin_table = path == kDatasetOptions || path == kArchitectureOptions || path == kEstimatorOptions ||
                                path == kSweep || path == kVariants;
      if (plugin_table) {
        if (!node.is_table()) issue(&node, fmt::format("'{}' must be a table", path));
        continue;
      }
      if (find_harness_key(path)) continue;
      const bool is_section = std::any_of(harness_keys().begin(), harness_keys().end(),
                                          [&](const HarnessKey& k) { return starts_with(k.spec.name, path + "."); }) ||
                              starts_with(std::string(kDatasetOptions), path + ".");
      if (is_section && node.is_table()) {
        check_unknown_keys(*node.as_table(), path + ".");
        continue;
      }
      const std::string section = prefix.empty() ? "" : prefix.substr(0, prefix.size() - 1);
      issue(key, fmt::format("unknown key '{}'; {} allows: {}", path, section.empty() ? "the top level" : "[" + section + "]",
                             known_children(section)));
    }
  }

  void resolve_harness_keys() {
    for (const auto& key : harness_keys()) {
      const toml::node* node = table_.at_path(key.spec.name).node();
      if (!node) {
        if (key.required) issue(nullptr, fmt::format("missing required key '{}' ({})", key.spec.name, key.spec.help));
        base_[key_pointer(key.spec.name)] = to_json(key.spec.default_value);
        continue;
      }
      std::string problem;
      if (auto value = to_option_value(*node, key.spec, problem)) {
        base_[key_pointer(key.spec.name)] = to_json(*value);
      } else {
        issue(node, fmt::format("'{}' {}", key.spec.name, problem));
        base_[key_pointer(key.spec.name)] = to_json(key.spec.default_value);
      }
    }
  }

  const PluginRecord* lookup(PluginKind kind, const std::string& name, const toml::node* where) {
    try {
      return &registry_.find(kind, name);
    } catch (const PluginError& error) {
      issue(where, error.what());
      return nullptr;
    }
  }

  // Fills `out` with every option of `plugin`, checking the keys given in `table_path`.
  void resolve_options(const PluginRecord& plugin, const std::string& table_path, json& out) {
    out = json::object();
    option_specs_[table_path] = plugin.info.options;
    plugin_versions_[table_path] = plugin.info.version;
    const toml::table* given = table_.at_path(table_path).as_table();
    for (const auto& spec : plugin.info.options) {
      const toml::node* node = given ? given->get(spec.name) : nullptr;
      std::string problem;
      std::optional<OptionValue> value;
      if (node && !(value = to_option_value(*node, spec, problem))) {
        issue(node, fmt::format("'{}.{}' {} ({} plugin '{}')", table_path, spec.name, problem, to_string(plugin.info.kind),
                                plugin.info.name));
      }
      out[spec.name] = to_json(value ? *value : spec.default_value);
    }
    check_option_combination(plugin, table_path, out);
    if (!given) return;
    for (const auto& [key, node] : *given) {
      if (out.contains(std::string(key.str()))) continue;
      std::vector<std::string> names;
      for (const auto& spec : plugin.info.options) names.push_back(spec.name);
      issue(key,
            fmt::format("unknown option '{}.{}'; {} plugin '{}' accepts: {}", table_path, key.str(), to_string(plugin.info.kind),
                        plugin.info.name, names.empty() ? "no options" : fmt::format("{}", fmt::join(names, ", "))));
    }
  }

  // The plugin's own check of its options taken together (PluginInfo::check_options).
  void check_option_combination(const PluginRecord& plugin, const std::string& table_path, const json& resolved) {
    if (!plugin.info.check_options) return;
    const toml::node* where = table_.at_path(table_path).node();
    try {
      for (const auto& problem : plugin.info.check_options(options_from_json(resolved, plugin.info.options, table_path))) {
        issue(where,
              fmt::format("[{}]: {} ({} plugin '{}')", table_path, problem, to_string(plugin.info.kind), plugin.info.name));
      }
    } catch (const std::exception& error) {  // a value of the wrong type was reported already
      issue(where,
            fmt::format("[{}]: {} ({} plugin '{}')", table_path, error.what(), to_string(plugin.info.kind), plugin.info.name));
    }
  }

  void resolve_plugins() {
    const auto plugin_of = [&](PluginKind kind, const char* section, const char* options_path) {
      const std::string name = base_[section]["plugin"].get<std::string>();
      if (name.empty()) return;
      const toml::node* where = table_.at_path(std::string(section) + ".plugin").node();
      if (const PluginRecord* plugin = lookup(kind, name, where)) {
        resolve_options(*plugin, options_path, base_[section]["options"]);
      }
    };
    plugin_of(PluginKind::dataset, "dataset", kDatasetOptions);
    plugin_of(PluginKind::architecture, "architecture", kArchitectureOptions);

    // Every estimator a run may use gets its options resolved, so a sweep that
    // turns the GC penalty or trajectories on finds them.
    base_[kEstimatorOptions] = json::object();
    const auto use_estimator = [&](const std::string& name, const toml::node* where) {
      if (base_[kEstimatorOptions].contains(name)) return;
      if (const PluginRecord* plugin = lookup(PluginKind::gc_estimator, name, where)) {
        resolve_options(*plugin, std::string(kEstimatorOptions) + "." + name, base_[kEstimatorOptions][name]);
      }
    };
    for (const auto& name : base_["measure"]["gc_estimators"])
      use_estimator(name, table_.at_path("measure.gc_estimators").node());
    use_estimator(base_["training"]["gc_penalty_estimator"], table_.at_path("training.gc_penalty_estimator").node());
    use_estimator(base_["training"]["trajectory_estimator"], table_.at_path("training.trajectory_estimator").node());
    // Estimators a sweep names are checked now, not when their run comes up.
    if (const toml::table* sweep = table_.at_path(kSweep).as_table()) {
      for (const auto& [key, list] : swept_lists(*sweep)) {
        if (!is_estimator_key(key) || !list->is_array()) continue;
        for (const auto& value : *list->as_array()) {
          if (const auto name = value.value<std::string>()) use_estimator(*name, &value);
          if (const auto* names = value.as_array()) {
            for (const auto& element : *names) {
              if (const auto name = element.value<std::string>()) use_estimator(*name, &element);
            }
          }
        }
      }
    }
    if (const toml::table* estimators = table_.at_path(kEstimatorOptions).as_table()) {
      for (const auto& [key, node] : *estimators) {
        if (!base_[kEstimatorOptions].contains(std::string(key.str()))) {
          issue(key, fmt::format("options for estimator '{}', which no key uses; name it in measure.gc_estimators "
                                 "(or training.gc_penalty_estimator, training.trajectory_estimator) or remove this table",
                                 key.str()));
        }
      }
    }
  }

  // The declaration a swept key must satisfy, or nullptr with an issue raised.
  const OptionSpec* spec_for_sweep_key(const std::string& key, const toml::node& where) {
    std::string table;
    for (const char* options : {kDatasetOptions, kArchitectureOptions}) {
      if (starts_with(key, std::string(options) + ".")) table = options;
    }
    if (starts_with(key, std::string(kEstimatorOptions) + ".")) {
      const std::string rest = key.substr(std::string(kEstimatorOptions).size() + 1);
      table = std::string(kEstimatorOptions) + "." + rest.substr(0, rest.find('.'));
      if (!option_specs_.count(table)) {
        issue(&where, fmt::format("sweep key '{}' names estimator '{}', which no key uses; name it in measure.gc_estimators", key,
                                  rest.substr(0, rest.find('.'))));
        return nullptr;
      }
    }
    if (!table.empty()) {
      const auto specs = option_specs_.find(table);
      if (specs == option_specs_.end()) return nullptr;  // its plugin is unknown, which is reported already
      for (const auto& spec : specs->second) {
        if (table + "." + spec.name == key) return &spec;
      }
      const bool estimator = starts_with(table, kEstimatorOptions);
      issue(&where, estimator
                        ? fmt::format("sweep key '{}' is not an option of estimator '{}'", key,
                                      table.substr(std::string(kEstimatorOptions).size() + 1))
                        : fmt::format("sweep key '{}' is not an option of {} plugin '{}'", key, table.substr(0, table.find('.')),
                                      base_[table.substr(0, table.find('.'))]["plugin"].get<std::string>()));
      return nullptr;
    }
    const HarnessKey* harness = find_harness_key(key);
    if (!harness) {
      issue(&where, fmt::format("sweep key '{}' is not a suite key or plugin option; `gcbench keys` lists the keys", key));
      return nullptr;
    }
    if (starts_with(key, "suite.") || key == "dataset.plugin" || key == "architecture.plugin") {
      issue(&where, fmt::format("'{}' cannot be swept; write one suite per dataset or architecture", key));
      return nullptr;
    }
    return &harness->spec;
  }

  void resolve_sweep() {
    const toml::table* sweep = table_.at_path(kSweep).as_table();
    if (!sweep) return;
    sweep_ = read_sweep(
        *sweep, [this](const std::string& key, const toml::node& where) { return spec_for_sweep_key(key, where); },
        [this](const toml::node& where, std::string message) { issue(&where, std::move(message)); });
  }

  void resolve_seeds() {
    for (const auto& seed : base_["suite"]["seeds"]) seeds_.push_back(seed.get<std::int64_t>());
    const toml::node* where = table_.at_path("suite.seeds").node();
    if (seeds_.empty()) issue(where, "'suite.seeds' is empty; give at least one seed");
    std::set<std::int64_t> unique(seeds_.begin(), seeds_.end());
    if (unique.size() != seeds_.size()) issue(where, "'suite.seeds' repeats a seed; each seed gives one run");
  }

  // Rules across keys (config/key_combinations), reported at the key's swept
  // list when a sweep gives it values, else at the key.
  void check_key_combinations() {
    for (const auto& problem : key_combination_problems(base_, sweep_)) {
      const toml::node* where = table_.at_path(problem.key).node();
      if (const toml::table* sweep = table_.at_path(kSweep).as_table()) {
        for (const auto& [key, list] : swept_lists(*sweep)) {
          if (key == problem.key) where = list;
        }
      }
      issue(where, problem.message);
    }
  }

  // Limits that depend on several keys at once. Only what the suite says: whether
  // this machine has the device or the cores it asks for is the run's to check,
  // so a CUDA suite validates and emits on a login node without GPUs.
  void check_resources() {
    const auto device = base_["runtime"]["device"].get<std::string>();
    if (const auto problem = device_form_problem(device); !problem.empty())
      issue(table_.at_path("runtime.device").node(), problem);
    const auto& fewshot = base_["measure"]["fewshot"];
    std::int64_t most_shots = 0;
    for (const auto& shots : fewshot["shots"]) most_shots = std::max(most_shots, shots.get<std::int64_t>());
    // Each shot count holds its episodes' support and query indices at once.
    const double indices = static_cast<double>(fewshot["episodes"].get<std::int64_t>()) *
                           static_cast<double>(fewshot["ways"].get<std::int64_t>()) *
                           static_cast<double>(most_shots + fewshot["queries"].get<std::int64_t>());
    if (indices > 5e8) {
      issue(table_.at_path("measure.fewshot.episodes").node(),
            fmt::format("measure.fewshot: episodes x ways x (shots + queries) = {:.3g} indices, over the limit of 5e8 "
                        "(4 GB); use fewer episodes",
                        indices));
    }
    const auto name = base_["suite"]["name"].get<std::string>();
    if (!name.empty() && !is_safe_folder_name(name)) {
      issue(table_.at_path("suite.name").node(),
            fmt::format("'suite.name' is \"{}\"; it names the results folder, so it takes letters, digits, '-', '_' "
                        "and '.' (not first), at most 100 characters",
                        name));
    }
  }

  const toml::table& table_;
  fs::path file_;
  const PluginRegistry& registry_;
  std::vector<ConfigIssue> issues_;
  json base_ = json::object();
  PluginOptionSpecs option_specs_;
  std::map<std::string, std::string> plugin_versions_;
  std::vector<SweepAxis> sweep_;
  std::vector<std::int64_t> seeds_;
};

}  // namespace

Suite validate_suite(const fs::path& file, const std::vector<Override>& overrides, const PluginRegistry& registry) {
  Suite suite;
  suite.file = file;
  suite.table = read_suite_table(file, overrides);
  std::vector<ConfigIssue> issues;
  const auto keep_issues = [&](const ConfigError& error) {
    for (const auto& issue : error.issues()) {  // a base-suite problem shows in every variant: report it once
      const bool seen = std::any_of(issues.begin(), issues.end(), [&](const ConfigIssue& other) {
        return other.where == issue.where && other.message == issue.message;
      });
      if (!seen) issues.push_back(issue);
    }
  };

  const auto validate = [&](const std::string& name, const toml::table& table) {
    try {
      SuiteVariant variant = Validator(table, file, registry).run();
      variant.name = name;
      suite.name = variant.base["suite"]["name"].get<std::string>();
      suite.description = variant.base["suite"]["description"].get<std::string>();
      variant.base.erase("suite");  // where results go, not what a run computes
      suite.variants.push_back(std::move(variant));
    } catch (const ConfigError& error) {
      keep_issues(error);
    }
  };

  const toml::node* variants = suite.table.get(kVariants);
  if (!variants) {
    validate("", suite.table);
  } else if (!variants->is_table() || variants->as_table()->empty()) {
    issues.push_back({location_of(*variants), "'variants' must hold one table per variant, e.g. [variants.small]"});
  } else {
    // TOML tables iterate by name; variants run in the order the file gives them.
    std::vector<std::pair<toml::key, const toml::node*>> ordered;
    for (const auto& [name, node] : *variants->as_table()) ordered.emplace_back(name, &node);
    std::stable_sort(ordered.begin(), ordered.end(),
                     [](const auto& a, const auto& b) { return a.first.source().begin.line < b.first.source().begin.line; });
    for (const auto& [name, node] : ordered) {
      if (!node->is_table()) {
        issues.push_back({location_of(*node), fmt::format("variant '{}' must be a table of suite keys", name.str())});
        continue;
      }
      if (const toml::node* rename = node->as_table()->at_path("suite.name").node()) {
        issues.push_back({location_of(*rename), "a variant cannot rename the suite; its runs share the suite's results folder"});
      }
      // Built from a fresh read: only moved TOML nodes keep the file:line:column
      // that problems are reported at, and a copy would lose them.
      toml::table merged = read_suite_table(file, overrides);
      toml::table own = std::move(*merged.get_as<toml::table>(kVariants)->get_as<toml::table>(name));
      merged.erase(kVariants);
      merge_tables(merged, std::move(own));
      validate(std::string(name.str()), merged);
    }
  }
  if (issues.empty()) {
    std::size_t runs = 0;
    bool overflow = false;
    for (const auto& variant : suite.variants) {
      const auto points = checked_sweep_points(variant.sweep);
      const auto variant_runs = points ? checked_multiply(*points, variant.seeds.size()) : std::nullopt;
      const auto total = variant_runs ? checked_add(runs, *variant_runs) : std::nullopt;
      overflow = overflow || !total;
      if (total) runs = *total;
    }
    if (overflow || runs > kMaxPlannedRuns) {
      const toml::node* sweep = suite.table.get(kSweep);
      issues.push_back({sweep ? location_of(*sweep) : file.string(),
                        fmt::format("the suite plans {} runs, over the limit of {}; sweep fewer values or split the "
                                    "suite (gcbench plan lists the runs)",
                                    overflow ? std::string("more than 2^64") : std::to_string(runs), kMaxPlannedRuns)});
    }
  }
  if (!issues.empty()) throw ConfigError(issues);
  if (suite.name.empty()) suite.name = file.stem().string();
  if (!is_safe_folder_name(suite.name)) {
    throw ConfigError({{file.string(), fmt::format("the suite file's name \"{}\" cannot name a results folder; set "
                                                   "suite.name (letters, digits, '-', '_', '.')",
                                                   suite.name)}});
  }
  return suite;
}

}  // namespace gcbench
