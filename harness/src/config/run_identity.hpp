// The two identities of a planned run, both hashes of its resolved config (the
// JSON a plan writes): equal ids mean equal work, so a results folder does that
// work once.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace gcbench {

// A stable 16-hex-digit hash of a configuration (FNV-1a over its canonical JSON).
std::string config_hash(const nlohmann::json& config);

// The whole experiment: every key but `runtime` (threads change speed, not results).
std::string run_identity(const nlohmann::json& config);

// The trained network: dataset, architecture, training keys, seed, and the
// options of the estimators training itself uses (the GC penalty's when
// training.gc_penalty > 0, the trajectories' when training.trajectory_every > 0).
// Runs that differ only in what they measure share it and train once.
std::string training_identity(const nlohmann::json& config);

}  // namespace gcbench
