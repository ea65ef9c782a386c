// An architecture plugin whose constructor always throws.
#include <gcbench/plugin.hpp>

#include <stdexcept>

namespace {
class Throwing : public gcbench::Architecture {
 public:
  explicit Throwing(const gcbench::Options&) { throw std::runtime_error("deliberate failure for the test"); }
  gcbench::Network build(const gcbench::ImageShape&, std::int64_t) const override { return {}; }
};
gcbench::PluginInfo info() { return {gcbench::PluginKind::architecture, "throwing", "0.0.1", "always throws", {}}; }
}  // namespace

GCBENCH_REGISTER_ARCHITECTURE(Throwing, info)
