// A suite expanded into runs: one fully resolved configuration per variant, sweep point and seed.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "config/run_config.hpp"
#include "config/suite.hpp"

namespace gcbench {

struct PlannedRun {
  std::size_t index = 0;    // position in the suite, from 0
  std::string id;           // run_identity(config): equal ids, equal experiments
  std::string training_id;  // training_identity(config): equal ids, one trained network
  std::string variant;      // the [variants.<name>] it comes from; "" for a suite without variants
  std::int64_t seed = 0;
  nlohmann::json swept;   // {"training.lr": 0.1, ...}: this run's sweep point
  nlohmann::json config;  // the variant's base with the sweep point and "seed" applied
  RunConfig run_config;   // `config` as typed values, plugin options included
};

// Within a variant the grid's last axis varies fastest. Seeds vary slowest of
// all, so the first runs of a suite already cover every variant's sweep points once.
std::vector<PlannedRun> plan_runs(const Suite& suite);

// Sweep points in a variant: the product of its axes' lengths.
std::size_t sweep_points(const SuiteVariant& variant);

// {"index", "run_id", "training_id", "variant", "seed", "swept", "config"}: a run as plan.json and `gcbench plan --json` show it.
nlohmann::json to_json(const PlannedRun& run);
// Every run so: plan.json's form, and `gcbench plan --json`'s.
nlohmann::json plan_json(const std::vector<PlannedRun>& runs);

// How many networks the runs train: their distinct training ids, less runs that measure a given checkpoint.
std::size_t planned_trainings(const std::vector<PlannedRun>& runs);

}  // namespace gcbench
