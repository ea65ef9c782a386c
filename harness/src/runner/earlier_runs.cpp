#include "runner/earlier_runs.hpp"

#include <filesystem>

#include "util/utf8_text.hpp"

namespace gcbench {

EarlierRuns::EarlierRuns(const std::vector<RunRecord>& records) {
  for (const auto& record : records) add(record);
}

void EarlierRuns::add(const RunRecord& record) {
  // A network trained before the measurement failed is still a trained network.
  // The record holds the checkpoint's path with any non-UTF-8 byte escaped.
  const std::filesystem::path checkpoint = unescape_non_utf8(record.training.checkpoint);
  if (record.training.trained && !checkpoint.empty() && !record.reused_from && std::filesystem::exists(checkpoint)) {
    trained_.emplace(record.training_id, TrainedNetwork{record.index, checkpoint, record.training});
  }
  if (record.status == RunStatus::diverged && !record.reused_from && record.training.trained) {
    diverged_.emplace(record.training_id, record);
  }
  if (is_finished(record.status)) {
    measured_.emplace(record.run_id, record);
    finished_.emplace(record.run_id, record.index);
  }
}

const RunRecord* EarlierRuns::measured(const std::string& run_id) const {
  const auto found = measured_.find(run_id);
  return found == measured_.end() ? nullptr : &found->second;
}

bool EarlierRuns::recorded(const std::string& run_id, std::size_t index) const { return finished_.count({run_id, index}) != 0; }

const TrainedNetwork* EarlierRuns::trained(const std::string& training_id) const {
  const auto found = trained_.find(training_id);
  return found == trained_.end() ? nullptr : &found->second;
}

const RunRecord* EarlierRuns::diverged(const std::string& training_id) const {
  const auto found = diverged_.find(training_id);
  return found == diverged_.end() ? nullptr : &found->second;
}

}  // namespace gcbench
