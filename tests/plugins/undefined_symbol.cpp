// A plugin that needs a symbol nothing defines: linked without -Wl,--no-undefined
// (as a hand-written build might), it fails only when loaded.
#include <gcbench/plugin.hpp>

extern "C" int gcbench_test_symbol_nobody_defines();

namespace {
class NeedsMissing : public gcbench::Architecture {
 public:
  explicit NeedsMissing(const gcbench::Options&) { gcbench_test_symbol_nobody_defines(); }
  gcbench::Network build(const gcbench::ImageShape&, std::int64_t) const override { return {}; }
};
gcbench::PluginInfo info() { return {gcbench::PluginKind::architecture, "undefined_symbol", "0.0.1", "cannot load", {}}; }
}  // namespace

GCBENCH_REGISTER_ARCHITECTURE(NeedsMissing, info)
