// `gcbench data verify|prepare NAME [ROOT]`: loads every split (building a
// plugin's caches) and runs the dataset conformance checks on what it loaded.
#include <fmt/format.h>

#include <chrono>

#include "commands.hpp"
#include "config/plugin_options.hpp"
#include "conformance/checks.hpp"
#include "runner/dataset_cache.hpp"

namespace gcbench::cli {

int data_command(const std::string& action, const std::string& name, const std::string& root_argument,
                 const std::vector<std::string>& overrides, const std::vector<std::string>& plugin_folders) {
  auto folders = default_plugin_folders();
  for (const auto& folder : plugin_folders) folders.emplace_back(folder);
  const auto registry = PluginRegistry::discover(folders);
  print_warnings(registry);
  std::vector<Override> given;
  for (const auto& text : overrides) given.push_back(parse_override(text));
  const auto options = plugin_options(registry.find(PluginKind::dataset, name), given);
  const auto root = resolve_data_root(root_argument, name);

  const auto start = std::chrono::steady_clock::now();
  const auto dataset = registry.create_dataset(name, root, options);
  const auto shape = dataset->image_shape();
  fmt::print("{} {} at {}: images {}x{}x{}\n", action == "prepare" ? "preparing" : "verifying", name,
             root.empty() ? "its default location" : root.string(), shape.channels, shape.height, shape.width);
  const bool passed = print_checks(check_dataset(*dataset));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!passed) {
    fmt::print(stderr, "{}: not usable ({:.2f} s); see the failed checks above\n", name, seconds);
    return 1;
  }
  fmt::print("{}: ok ({:.2f} s)\n", name, seconds);
  return 0;
}

}  // namespace gcbench::cli
