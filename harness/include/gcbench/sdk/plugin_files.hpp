// Files a plugin ships beside its library: gcbench_add_plugin(... DATA file...)
// copies them into <library folder>/<library name>.data/, in the build tree and
// in the installed prefix alike, so a plugin finds its own class list, split or
// licence wherever the user put gcbench.
#pragma once

#include <boost/dll/runtime_symbol_info.hpp>

#include <filesystem>

namespace gcbench {

// The folder of this plugin's DATA files, e.g.
// <prefix>/lib/gcbench/plugins/gcbench_dataset_mini_imagenet.data. Static, so
// each library that calls it has its own copy: it names the library it was
// compiled into (call it from the plugin's code), found from the address of
// this very function. Throws std::system_error when the library's file cannot
// be found.
static inline std::filesystem::path plugin_data_folder() {
  const std::filesystem::path library = boost::dll::this_line_location();
  return library.parent_path() / (library.stem().string() + ".data");
}

}  // namespace gcbench
