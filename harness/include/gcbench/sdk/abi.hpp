// The plugin ABI: bumped whenever a type that crosses the library boundary
// changes layout, so the harness refuses plugins built against another SDK.
#pragma once

#include <string_view>

#define GCBENCH_ABI_VERSION 2

namespace gcbench {

inline constexpr int kAbiVersion = GCBENCH_ABI_VERSION;

enum class PluginKind { architecture, dataset, gc_estimator };

constexpr std::string_view to_string(PluginKind kind) {
  switch (kind) {
    case PluginKind::architecture: return "architecture";
    case PluginKind::dataset: return "dataset";
    case PluginKind::gc_estimator: return "gc_estimator";
  }
  return "unknown";
}

}  // namespace gcbench
