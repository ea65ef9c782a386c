#include "record/headline_metrics.hpp"

#include <fmt/format.h>

namespace gcbench {
namespace {

void add_nc(std::vector<HeadlineMetric>& out, const std::string& split, const std::optional<NcMeasurement>& nc) {
  if (!nc) return;
  out.push_back({split + ".nc.cdnv", MetricKind::nc, nc->cdnv, {}});
  out.push_back({split + ".nc.nc1", MetricKind::nc, nc->nc1, {}});
}

}  // namespace

std::vector<HeadlineMetric> headline_metrics(const RunRecord& record) {
  std::vector<HeadlineMetric> out;
  if (record.metrics) {
    const auto& source = record.metrics->source;
    if (source.test_accuracy) out.push_back({"source.test_accuracy", MetricKind::accuracy, *source.test_accuracy, {}});
    for (const auto& [estimator, gc] : source.gc) out.push_back({"source.gc." + estimator, MetricKind::gc, gc.value, {}});
    add_nc(out, "source", source.nc);
    if (record.metrics->target) {
      add_nc(out, "target", record.metrics->target->nc);
      for (const auto& [classifier, by_shots] : record.metrics->target->fewshot) {
        for (const auto& [shots, result] : by_shots) {
          out.push_back({fmt::format("target.fewshot.{}.{}shot", classifier, shots), MetricKind::accuracy, result.mean,
                         result.per_episode});
        }
      }
    }
  }
  for (const auto& [phase, seconds] : record.timings) out.push_back({"time." + phase, MetricKind::time, seconds, {}});
  return out;
}

std::string run_label(const RunRecord& record) {
  std::string label = fmt::format("{:03}", record.index);
  if (!record.variant.empty()) label += " " + record.variant;
  for (const auto& [key, value] : record.swept.items()) {
    label += fmt::format(" {}={}", key, value.is_string() ? value.get<std::string>() : value.dump());
  }
  return label + fmt::format(" seed={}", record.seed);
}

}  // namespace gcbench
