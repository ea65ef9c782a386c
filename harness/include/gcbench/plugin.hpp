// The gcbench plugin SDK: the one header a plugin includes.
//
// A plugin is a shared library holding one class that implements an interface
// below, plus a description of itself, registered with one macro:
//
//   class Conv4 : public gcbench::Architecture {
//    public:
//     explicit Conv4(const gcbench::Options& options);
//     gcbench::Network build(const gcbench::ImageShape&, std::int64_t classes) const override;
//   };
//
//   gcbench::PluginInfo conv4_info() {
//     return {gcbench::PluginKind::architecture, "conv4", "1.0", "four conv blocks",
//             {gcbench::option::integer("width", 64, "channels per block").at_least(1)}};
//   }
//
//   GCBENCH_REGISTER_ARCHITECTURE(Conv4, conv4_info)
//
// Build it with the CMake function `gcbench_add_plugin(NAME KIND <kind> SOURCES ...)`
// (from `find_package(gcbench)`), which names the library gcbench_<kind>_<name>.so:
// the harness loads only files named so, from its own plugin folder, each folder
// of GCBENCH_PLUGIN_PATH, `--plugin-path` and a suite's `suite.plugin_paths`.
// Constructors receive options already checked against the declaration; they
// (and every method) report bad input by throwing std::exception with a message
// that names the file or option and what to do. What each kind of plugin may
// assume and must guarantee is written in its header (sdk/architecture.hpp,
// sdk/dataset.hpp, sdk/gc_estimator.hpp) and in README.md beside this file;
// `gcbench check-plugin NAME` checks a built plugin against it.
#pragma once

#include <boost/dll/alias.hpp>

#include <filesystem>
#include <memory>

#include "gcbench/sdk/abi.hpp"
#include "gcbench/sdk/architecture.hpp"
#include "gcbench/sdk/autograd_graph.hpp"
#include "gcbench/sdk/backward_passes.hpp"
#include "gcbench/sdk/batch_norm_pool.hpp"
#include "gcbench/sdk/batch_norm_relu.hpp"
#include "gcbench/sdk/channels_last.hpp"
#include "gcbench/sdk/class_split.hpp"
#include "gcbench/sdk/conv_batch_norm.hpp"
#include "gcbench/sdk/dataset.hpp"
#include "gcbench/sdk/gc_estimator.hpp"
#include "gcbench/sdk/input_product.hpp"
#include "gcbench/sdk/max_pool.hpp"
#include "gcbench/sdk/options.hpp"
#include "gcbench/sdk/plugin_files.hpp"
#include "gcbench/sdk/plugin_info.hpp"
#include "gcbench/sdk/seeded_random.hpp"

namespace gcbench::plugin_abi {
// The exported entry points; the harness looks them up by these names.
using AbiVersionFn = int();
using InfoFn = PluginInfo();
using ArchitectureFactory = std::unique_ptr<Architecture>(const Options&);
using DatasetFactory = std::unique_ptr<Dataset>(const std::filesystem::path& root, const Options&);
using GcEstimatorFactory = std::unique_ptr<GcEstimator>(const Options&);
using BuildFn = const BuildDescription*();

inline constexpr const char* kAbiVersionSymbol = "gcbench_abi_version";
inline constexpr const char* kBuildSymbol = "gcbench_build";
inline constexpr const char* kInfoSymbol = "gcbench_plugin_info";
inline constexpr const char* kFactorySymbol = "gcbench_create";
}  // namespace gcbench::plugin_abi

#define GCBENCH_DETAIL_EXPORT_COMMON(KIND, INFO_FN)                                                                        \
  extern "C" __attribute__((used, visibility("default"))) const char gcbench_build_marker[] = GCBENCH_DETAIL_BUILD_MARKER; \
  namespace gcbench_plugin_exports {                                                                                       \
  int abi_version() { return GCBENCH_ABI_VERSION; }                                                                        \
  const ::gcbench::plugin_abi::BuildDescription* build_description() {                                                     \
    static const ::gcbench::plugin_abi::BuildDescription description{GCBENCH_ABI_VERSION, GCBENCH_LIBTORCH_VERSION,        \
                                                                     GCBENCH_CXX11_ABI};                                   \
    return &description;                                                                                                   \
  }                                                                                                                        \
  ::gcbench::PluginInfo plugin_info() {                                                                                    \
    ::gcbench::PluginInfo described = INFO_FN();                                                                           \
    described.kind = KIND;                                                                                                 \
    return described;                                                                                                      \
  }                                                                                                                        \
  }                                                                                                                        \
  BOOST_DLL_ALIAS(gcbench_plugin_exports::abi_version, gcbench_abi_version)                                                \
  BOOST_DLL_ALIAS(gcbench_plugin_exports::build_description, gcbench_build)                                                \
  BOOST_DLL_ALIAS(gcbench_plugin_exports::plugin_info, gcbench_plugin_info)

#define GCBENCH_REGISTER_ARCHITECTURE(CLASS, INFO_FN)                                  \
  GCBENCH_DETAIL_EXPORT_COMMON(::gcbench::PluginKind::architecture, INFO_FN)           \
  namespace gcbench_plugin_exports {                                                   \
  std::unique_ptr<::gcbench::Architecture> create(const ::gcbench::Options& options) { \
    return std::make_unique<CLASS>(options);                                           \
  }                                                                                    \
  }                                                                                    \
  BOOST_DLL_ALIAS(gcbench_plugin_exports::create, gcbench_create)

#define GCBENCH_REGISTER_DATASET(CLASS, INFO_FN)                                                                     \
  GCBENCH_DETAIL_EXPORT_COMMON(::gcbench::PluginKind::dataset, INFO_FN)                                              \
  namespace gcbench_plugin_exports {                                                                                 \
  std::unique_ptr<::gcbench::Dataset> create(const std::filesystem::path& root, const ::gcbench::Options& options) { \
    return std::make_unique<CLASS>(root, options);                                                                   \
  }                                                                                                                  \
  }                                                                                                                  \
  BOOST_DLL_ALIAS(gcbench_plugin_exports::create, gcbench_create)

#define GCBENCH_REGISTER_GC_ESTIMATOR(CLASS, INFO_FN)                                                                            \
  GCBENCH_DETAIL_EXPORT_COMMON(::gcbench::PluginKind::gc_estimator, INFO_FN)                                                     \
  namespace gcbench_plugin_exports {                                                                                             \
  std::unique_ptr<::gcbench::GcEstimator> create(const ::gcbench::Options& options) { return std::make_unique<CLASS>(options); } \
  }                                                                                                                              \
  BOOST_DLL_ALIAS(gcbench_plugin_exports::create, gcbench_create)
