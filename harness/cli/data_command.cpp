#include <ATen/ATen.h>
#include <fmt/format.h>

#include <chrono>
#include <map>
#include <set>

#include "commands.hpp"
#include "config/plugin_options.hpp"
#include "runner/dataset_cache.hpp"

namespace gcbench::cli {

int data_command(const std::string& action, const std::string& name, const std::string& root_argument,
                 const std::vector<std::string>& overrides, const std::vector<std::string>& plugin_folders) {
  auto folders = default_plugin_folders();
  for (const auto& folder : plugin_folders) folders.emplace_back(folder);
  const auto registry = PluginRegistry::discover(folders);
  std::vector<Override> given;
  for (const auto& text : overrides) given.push_back(parse_override(text));
  const auto options = plugin_options(registry.find(PluginKind::dataset, name), given);
  const auto root = resolve_data_root(root_argument, name);

  const auto start = std::chrono::steady_clock::now();
  const auto dataset = registry.create_dataset(name, root, options);
  const auto shape = dataset->image_shape();
  fmt::print("{} {} at {}: images {}x{}x{}\n", action == "prepare" ? "preparing" : "verifying", name,
             root.empty() ? "its default location" : root.string(), shape.channels, shape.height, shape.width);

  // Which split each class name appears in; source_train and source_test share theirs by design.
  std::map<std::string, std::set<std::string>> owners;
  for (const auto role : dataset->splits()) {
    const auto split_start = std::chrono::steady_clock::now();
    const auto set = dataset->load(role);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - split_start).count();
    const auto classes = static_cast<std::int64_t>(set.class_names.size());
    const auto counts = at::bincount(set.labels, {}, classes);
    fmt::print("  {:<13} {:>7} images  {:>3} classes  {}..{} per class  ({:.2f} s)\n", to_string(role),
               set.images.size(0), classes, counts.min().item<std::int64_t>(), counts.max().item<std::int64_t>(), seconds);
    if (set.images.size(1) != shape.channels || set.images.size(2) != shape.height || set.images.size(3) != shape.width) {
      throw std::runtime_error(fmt::format("{} split has images of another shape than the dataset declares", to_string(role)));
    }
    const std::string group = role == SplitRole::source_test ? "source_train" : std::string(to_string(role));
    for (const auto& class_name : set.class_names) owners[class_name].insert(group);
  }
  for (const auto& [class_name, groups] : owners) {
    if (groups.size() > 1) {
      throw std::runtime_error(fmt::format("class '{}' is in more than one split ({}); the plugin's split is wrong",
                                           class_name, fmt::join(groups, ", ")));
    }
  }
  const auto stats = dataset->normalization();
  fmt::print("  normalisation mean [{:.4f}] std [{:.4f}]\n", fmt::join(stats.mean, ", "), fmt::join(stats.stddev, ", "));
  fmt::print("{}: ok ({:.2f} s)\n", name, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return 0;
}

}  // namespace gcbench::cli
