// A GC estimator whose every estimate is NaN: a run that uses it must fail, not record "ok".
#include <gcbench/plugin.hpp>

#include <limits>

namespace {
class NanEstimator : public gcbench::GcEstimator {
 public:
  explicit NanEstimator(const gcbench::Options&) {}
  gcbench::GcEstimate estimate(const gcbench::EmbeddingFunction&, const at::Tensor&, std::uint64_t) const override {
    gcbench::GcEstimate estimate;
    estimate.value = std::numeric_limits<double>::quiet_NaN();
    return estimate;
  }
};
gcbench::PluginInfo info() { return {gcbench::PluginKind::gc_estimator, "nan_estimator", "0.0.1", "always NaN", {}}; }
}  // namespace

GCBENCH_REGISTER_GC_ESTIMATOR(NanEstimator, info)
