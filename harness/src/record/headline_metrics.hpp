// A run's headline figures by stable names, as compare and history read them:
//   target.fewshot.<classifier>.<k>shot   few-shot accuracy on the novel classes
//   source.test_accuracy                  held-out accuracy on the source classes
//   source.gc.<estimator>                 GC of f on source-train images
//   source.nc.cdnv, source.nc.nc1, target.nc.cdnv, target.nc.nc1
//   time.<phase>, time.total              seconds
#pragma once

#include <string>
#include <vector>

#include "record/run_record.hpp"

namespace gcbench {

enum class MetricKind { accuracy, gc, nc, time };

struct HeadlineMetric {
  std::string name;
  MetricKind kind = MetricKind::accuracy;
  double value = 0;
  // Few-shot accuracies only: one per episode, the same episodes in every run of a seed.
  std::vector<double> per_episode;
};

std::vector<HeadlineMetric> headline_metrics(const RunRecord& record);

// "003 variant training.lr=0.01 seed=0": the plan index, variant, sweep point and
// seed, which tell a reader which run it is (the run id tells a program).
std::string run_label(const RunRecord& record);

}  // namespace gcbench
