// The plugin ABI: what a plugin and the harness must agree on before any C++
// type crosses the library boundary. A plugin records, at build time, the SDK's
// ABI version, the LibTorch version and the C++ standard library ABI it was
// compiled with; the harness refuses a plugin whose build differs from its own,
// naming both.
#pragma once

#include <torch/version.h>

#include <string_view>

// Bumped whenever a type that crosses the library boundary changes layout.
#define GCBENCH_ABI_VERSION 6
// What the plugin was compiled against; the registration macros record them.
#define GCBENCH_LIBTORCH_VERSION TORCH_VERSION
#define GCBENCH_CXX11_ABI _GLIBCXX_USE_CXX11_ABI

#define GCBENCH_DETAIL_STRINGIFY_(x) #x
#define GCBENCH_DETAIL_STRINGIFY(x) GCBENCH_DETAIL_STRINGIFY_(x)
// The same three facts as text in the plugin file, which the harness reads
// before loading it: loading a plugin built against another LibTorch would load
// that LibTorch into the process, whose static initialisers collide with the
// harness's own (an abort, not an error message).
#define GCBENCH_DETAIL_BUILD_MARKER                     \
  "gcbench-plugin-build;abi=" GCBENCH_DETAIL_STRINGIFY( \
      GCBENCH_ABI_VERSION) ";libtorch=" GCBENCH_LIBTORCH_VERSION ";cxx11_abi=" GCBENCH_DETAIL_STRINGIFY(GCBENCH_CXX11_ABI) ";"

namespace gcbench {

inline constexpr int kAbiVersion = GCBENCH_ABI_VERSION;

enum class PluginKind { architecture, dataset, gc_estimator };

constexpr std::string_view to_string(PluginKind kind) {
  switch (kind) {
    case PluginKind::architecture:
      return "architecture";
    case PluginKind::dataset:
      return "dataset";
    case PluginKind::gc_estimator:
      return "gc_estimator";
  }
  return "unknown";
}

namespace plugin_abi {
// Plain C data, so it can be read from a plugin built against anything.
struct BuildDescription {
  int abi_version;
  const char* libtorch_version;  // e.g. "1.13.1"
  int cxx11_abi;                 // _GLIBCXX_USE_CXX11_ABI: 1 for the C++11 std::string
};
}  // namespace plugin_abi

}  // namespace gcbench
