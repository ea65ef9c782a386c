// A plugin whose info function throws: it must be refused, naming its file,
// without breaking commands that do not need it.
#include <gcbench/plugin.hpp>

#include <stdexcept>

namespace {
class Unused : public gcbench::Architecture {
 public:
  explicit Unused(const gcbench::Options&) {}
  gcbench::Network build(const gcbench::ImageShape&, std::int64_t) const override { return {}; }
};
gcbench::PluginInfo info() { throw std::runtime_error("deliberate failure in the info function"); }
}  // namespace

GCBENCH_REGISTER_ARCHITECTURE(Unused, info)
