// What the runs already recorded in a results folder leave for later ones, so
// that work is done once per identity, within one call and across resumes.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "record/run_record.hpp"
#include "runner/run_one.hpp"

namespace gcbench {

class EarlierRuns {
 public:
  EarlierRuns() = default;
  explicit EarlierRuns(const std::vector<RunRecord>& records);

  // Remembers a record just written (or read back): its results, its trained
  // network and a diverged training.
  void add(const RunRecord& record);

  // A finished run with this run id: its results stand for an identical run.
  const RunRecord* measured(const std::string& run_id) const;
  // Whether the run at this place in the plan is already recorded, finished.
  bool recorded(const std::string& run_id, std::size_t index) const;
  // A network trained with this training id, whose checkpoint a later run measures.
  const TrainedNetwork* trained(const std::string& training_id) const;
  // A run whose training with this training id diverged: it would again.
  const RunRecord* diverged(const std::string& training_id) const;

 private:
  std::map<std::string, RunRecord> measured_;               // run id -> the record that measured it
  std::map<std::string, TrainedNetwork> trained_;           // training id -> the network a run trained
  std::map<std::string, RunRecord> diverged_;               // training id -> the run whose training diverged
  std::set<std::pair<std::string, std::size_t>> finished_;  // run id and plan index of each finished record
};

}  // namespace gcbench
