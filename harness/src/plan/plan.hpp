// A suite expanded into runs: one fully resolved configuration per variant, sweep point and seed.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "config/suite.hpp"

namespace gcbench {

struct PlannedRun {
  std::size_t index = 0;      // position in the suite, from 0
  std::string id;             // hash of `config` without "runtime": equal ids, equal experiments
  std::string variant;        // the [variants.<name>] it comes from; "" for a suite without variants
  std::int64_t seed = 0;
  nlohmann::json swept;       // {"training.lr": 0.1, ...}: this run's sweep point
  nlohmann::json config;      // the variant's base with the sweep point and "seed" applied
};

// Within a variant the grid's last axis varies fastest. Seeds vary slowest of
// all, so the first runs of a suite already cover every variant's sweep points once.
std::vector<PlannedRun> plan_runs(const Suite& suite);

// Sweep points in a variant: the product of its axes' lengths.
std::size_t sweep_points(const SuiteVariant& variant);

// A stable 16-hex-digit hash of a configuration (FNV-1a over its canonical JSON).
std::string config_hash(const nlohmann::json& config);

}  // namespace gcbench
