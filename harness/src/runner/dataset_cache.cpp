#include "runner/dataset_cache.hpp"

#include <algorithm>
#include <cstdlib>

#include "config/option_values.hpp"
#include "data/data_digest.hpp"
#include "plugins/plugin_registry.hpp"

namespace gcbench {

std::filesystem::path resolve_data_root(const std::string& configured_root, const std::string& plugin) {
  if (!configured_root.empty()) return configured_root;
  if (const char* data = std::getenv("GCBENCH_DATA"); data && *data) return std::filesystem::path(data) / plugin;
  return {};
}

std::shared_ptr<const LoadedData> DatasetCache::get(const RunConfig& config) {
  const auto root = resolve_data_root(config.dataset_root, config.dataset.plugin);
  nlohmann::json key = {{"plugin", config.dataset.plugin}, {"root", root.string()}};
  for (const auto& [name, value] : config.dataset.options.values()) key["options"][name] = to_json(value);
  if (auto found = loaded_.find(key.dump()); found != loaded_.end()) return found->second;

  auto data = std::make_shared<LoadedData>();
  try {
    auto dataset = registry_.create_dataset(config.dataset.plugin, root, config.dataset.options);
    data->shape = dataset->image_shape();
    data->stats = dataset->normalization();
    data->source_train = dataset->load(SplitRole::source_train);
    data->source_test = dataset->load(SplitRole::source_test);
    const auto splits = dataset->splits();
    if (std::find(splits.begin(), splits.end(), SplitRole::target) != splits.end()) {
      data->target = dataset->load(SplitRole::target);
    }
  } catch (const std::exception& error) {
    throw DatasetUnavailable("dataset plugin '" + config.dataset.plugin + "': " + error.what());
  }
  data->root = root;
  std::vector<const ImageSet*> splits = {&data->source_train, &data->source_test};
  if (data->target) splits.push_back(&*data->target);
  data->digest = data_digest(splits);
  loaded_.emplace(key.dump(), data);
  return data;
}

}  // namespace gcbench
