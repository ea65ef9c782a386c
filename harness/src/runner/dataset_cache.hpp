// Loaded dataset splits, shared by the runs of a suite that use the same dataset settings.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "config/run_config.hpp"
#include "data/loaded_data.hpp"
#include "gcbench/sdk/dataset.hpp"

namespace gcbench {

class PluginRegistry;

// The dataset cannot be read: every run that needs it would fail the same way.
class DatasetUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Where a dataset's files are: the suite's root, else $GCBENCH_DATA/<plugin>,
// else empty (the plugin's own default location).
std::filesystem::path resolve_data_root(const std::string& configured_root, const std::string& plugin);

// What makes two runs load the same data: the plugin, the resolved root (as
// bytes: a path need not be UTF-8) and the options.
std::string dataset_key(const RunConfig& config);

class DatasetCache {
 public:
  explicit DatasetCache(const PluginRegistry& registry) : registry_(registry) {}
  // Throws DatasetUnavailable with the plugin's message (file and what to do).
  std::shared_ptr<const LoadedData> get(const RunConfig& config);

 private:
  const PluginRegistry& registry_;
  std::map<std::string, std::shared_ptr<const LoadedData>> loaded_;
};

}  // namespace gcbench
