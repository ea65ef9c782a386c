// A plugin as an older SDK would have built it: same entry points, another ABI version.
#include <gcbench/plugin.hpp>

#undef GCBENCH_ABI_VERSION
#define GCBENCH_ABI_VERSION 999

namespace {
class Unused : public gcbench::Architecture {
 public:
  explicit Unused(const gcbench::Options&) {}
  gcbench::Network build(const gcbench::ImageShape&, std::int64_t) const override { return {}; }
};
gcbench::PluginInfo info() { return {gcbench::PluginKind::architecture, "from_the_future", "9.9.9", "wrong ABI", {}}; }
}  // namespace

GCBENCH_REGISTER_ARCHITECTURE(Unused, info)
