// A plugin as if built against another LibTorch: the current plugin ABI, another LibTorch version.
#include <gcbench/plugin.hpp>

#undef GCBENCH_LIBTORCH_VERSION
#define GCBENCH_LIBTORCH_VERSION "0.0.1-test"

namespace {
class Unused : public gcbench::Architecture {
 public:
  explicit Unused(const gcbench::Options&) {}
  gcbench::Network build(const gcbench::ImageShape&, std::int64_t) const override { return {}; }
};
gcbench::PluginInfo info() { return {gcbench::PluginKind::architecture, "wrong_torch", "0.0.1", "another LibTorch", {}}; }
}  // namespace

GCBENCH_REGISTER_ARCHITECTURE(Unused, info)
