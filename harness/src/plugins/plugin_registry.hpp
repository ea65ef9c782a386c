// Finds plugin libraries, checks their ABI, and creates plugin objects that
// keep their library loaded for as long as they live.
#pragma once

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "gcbench/sdk/abi.hpp"
#include "gcbench/sdk/options.hpp"
#include "gcbench/sdk/plugin_info.hpp"

namespace boost::dll {
class shared_library;
}

namespace gcbench {

// The plugin interfaces (gcbench/sdk/architecture.hpp, dataset.hpp,
// gc_estimator.hpp), declared here so that a reader of plugin records does
// not compile LibTorch's module headers.
class Architecture;
class Dataset;
class GcEstimator;

// A plugin that cannot be loaded or used: the message names the file or plugin
// and says what to do.
class PluginError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct PluginRecord {
  PluginInfo info;
  std::filesystem::path file;
  int abi_version = 0;
  std::string libtorch_version;  // what the plugin was built against
  std::string sha256;            // of the library file, recorded with every result
};

struct RejectedPlugin {
  std::filesystem::path file;
  std::string reason;
};

// Where plugins are looked for when nothing else is said: beside the gcbench
// executable (the build tree's or the install tree's, whichever exists), then
// each folder of GCBENCH_PLUGIN_PATH.
std::vector<std::filesystem::path> default_plugin_folders();

// True for file names the CMake function gives plugins: gcbench_<kind>_<name>.so,
// <kind> one of architecture, dataset, gc_estimator.
bool looks_like_plugin_file(const std::filesystem::path& file);

class PluginRegistry {
 public:
  // Loads every plugin file in `folders`; files that fail are kept in rejected().
  // When two files give the same kind and name, the first folder wins. A folder
  // that does not exist, and a library that exports gcbench's entry points under
  // a name the loader skips, are named in warnings().
  static PluginRegistry discover(const std::vector<std::filesystem::path>& folders);

  // Loads one library; throws PluginError saying why it is not a usable plugin.
  void load(const std::filesystem::path& file);

  std::vector<PluginRecord> plugins() const;
  const std::vector<RejectedPlugin>& rejected() const { return rejected_; }
  const std::vector<std::string>& warnings() const { return warnings_; }
  const std::vector<std::filesystem::path>& searched_folders() const { return folders_; }

  // Throws PluginError listing the plugins of that kind that do exist.
  const PluginRecord& find(PluginKind kind, const std::string& name) const;

  std::shared_ptr<Architecture> create_architecture(const std::string& name, const Options& options) const;
  std::shared_ptr<Dataset> create_dataset(const std::string& name, const std::filesystem::path& root,
                                          const Options& options) const;
  std::shared_ptr<GcEstimator> create_gc_estimator(const std::string& name, const Options& options) const;

 private:
  struct Loaded {
    PluginRecord record;
    std::shared_ptr<boost::dll::shared_library> library;
  };
  const Loaded& find_loaded(PluginKind kind, const std::string& name) const;

  std::vector<std::filesystem::path> folders_;
  std::vector<Loaded> loaded_;
  std::vector<RejectedPlugin> rejected_;
  std::vector<std::string> warnings_;
};

}  // namespace gcbench
