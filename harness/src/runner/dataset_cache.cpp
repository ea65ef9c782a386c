#include "runner/dataset_cache.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "config/option_values.hpp"
#include "data/data_digest.hpp"
#include "data/dataset_rules.hpp"
#include "plugins/plugin_registry.hpp"
#include "runner/data_check.hpp"

namespace gcbench {

std::filesystem::path resolve_data_root(const std::string& configured_root, const std::string& plugin) {
  if (!configured_root.empty()) return configured_root;
  if (const char* data = std::getenv("GCBENCH_DATA"); data && *data) return std::filesystem::path(data) / plugin;
  return {};
}

std::string dataset_key(const RunConfig& config) {
  nlohmann::json options = nlohmann::json::object();
  for (const auto& [name, value] : config.dataset.options.values()) options[name] = to_json(value);
  return config.dataset.plugin + '\0' + resolve_data_root(config.dataset_root, config.dataset.plugin).string() + '\0' +
         options.dump();
}

std::shared_ptr<const LoadedData> DatasetCache::get(const RunConfig& config) {
  const auto root = resolve_data_root(config.dataset_root, config.dataset.plugin);
  const std::string key = dataset_key(config);
  if (auto found = loaded_.find(key); found != loaded_.end()) return found->second;

  auto data = std::make_shared<LoadedData>();
  try {
    auto dataset = registry_.create_dataset(config.dataset.plugin, root, config.dataset.options);
    data->shape = dataset->image_shape();
    data->stats = dataset->normalization();
    data->source_train = dataset->load(SplitRole::source_train);
    data->source_test = dataset->load(SplitRole::source_test);
    data->declared = dataset->splits();
    data->sources = dataset->data_sources();
    if (data->declares(SplitRole::target)) {
      data->target = dataset->load(SplitRole::target);
    }
  } catch (const std::exception& error) {
    // A PluginError already names the plugin and its file.
    const std::string what = dynamic_cast<const PluginError*>(&error)
                                 ? std::string(error.what())
                                 : "dataset plugin '" + config.dataset.plugin + "': " + error.what();
    std::string hint;
    try {
      hint = how_to_get_data(registry_.find(PluginKind::dataset, config.dataset.plugin).info, root);
    } catch (const PluginError&) {
      // an unknown plugin: the error says so
    }
    throw DatasetUnavailable(hint.empty() ? what : what + "\n" + hint);
  }
  // A plugin that breaks the rules these numbers rest on would make every one of them wrong without a word.
  if (const auto problems = loaded_data_problems(*data); !problems.empty()) {
    throw DatasetUnavailable(
        fmt::format("dataset plugin '{}' breaks its contract:\n  {}\n`gcbench check-plugin {}` checks every rule",
                    config.dataset.plugin, fmt::join(problems, "\n  "), config.dataset.plugin));
  }
  data->root = root;
  std::vector<const ImageSet*> splits = {&data->source_train, &data->source_test};
  if (data->target) splits.push_back(&*data->target);
  data->digest = data_digest(splits);
  loaded_.emplace(key, data);
  return data;
}

}  // namespace gcbench
