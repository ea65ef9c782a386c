// A plugin of another LibTorch whose loading alone would kill the process, as
// loading a second LibTorch does (its static initialisers collide with the
// harness's): it must be refused from its file, never loaded.
#include <gcbench/plugin.hpp>

#include <cstdlib>

#undef GCBENCH_LIBTORCH_VERSION
#define GCBENCH_LIBTORCH_VERSION "0.0.2-test"

namespace {
const int aborts_when_loaded = [] {
  std::abort();
  return 0;
}();
class Unused : public gcbench::Architecture {
 public:
  explicit Unused(const gcbench::Options&) {}
  gcbench::Network build(const gcbench::ImageShape&, std::int64_t) const override { return {}; }
};
gcbench::PluginInfo info() { return {gcbench::PluginKind::architecture, "wrong_torch_aborts", "0.0.1", "another LibTorch", {}}; }
}  // namespace

GCBENCH_REGISTER_ARCHITECTURE(Unused, info)
