// A deterministic share of a plan for one of N machines (`--shard I/N`), so a
// suite can run as a Slurm array with one task per shard.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "plan/plan.hpp"

namespace gcbench {

struct Shard {
  std::size_t index = 1;  // from 1
  std::size_t count = 1;
  bool whole() const { return count == 1; }
};

// "I/N" with 1 <= I <= N. Throws std::invalid_argument saying what is wrong.
Shard parse_shard(const std::string& text);

// What one run costs, in epochs of plain training: epochs, times 3 with a GC
// penalty, plus a twentieth for measuring (the images per epoch and the
// network are the suite's, alike for all its runs; max_steps is not counted).
double planned_cost(const PlannedRun& run);

// Shard `shard`'s runs, in plan order. Runs that share a training identity (or
// a run id) stay in one shard, so a network is trained once and an identical
// run is not run twice; groups go, largest first, to the least loaded shard
// (ties to the lower shard), so every machine gets about the same work.
std::vector<PlannedRun> shard_runs(const std::vector<PlannedRun>& runs, const Shard& shard);

// How many such groups the runs form: more shards than this leaves some empty.
std::size_t independent_groups(const std::vector<PlannedRun>& runs);

}  // namespace gcbench
