// Baseline and contender benchmarked in one session, as asv's `continuous`
// does: round after round, each side's `gcbench bench` runs once in a process
// of its own, the order alternating (baseline first, then contender first:
// ABBA), so that whatever the machine does meanwhile (a neighbour's load, a
// clock change, a warmer cache) falls on both sides alike. The file keeps the
// pairing: round i of a case on one side was measured beside round i on the
// other, and `gcbench compare FILE` tests the ratios of those pairs.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace gcbench {

struct PairedBenchSide {
  std::filesystem::path gcbench;            // the executable
  std::vector<std::string> plugin_folders;  // given as --plugin-path, beside its own plugins
};

struct PairedBenchOptions {
  PairedBenchSide baseline, contender;
  // Given to both sides' `gcbench bench` every round: the filter, --min-time, --threads, --device.
  std::vector<std::string> bench_arguments;
  int rounds = 10;
  std::filesystem::path out;  // the paired file; OUT.rounds/ holds each round's files while it runs
};

// The other gcbench cannot be benchmarked against this one: it is not gcbench,
// or its LibTorch or record schema differ. Nothing has run.
class AgainstRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `gcbench version --json` of that executable. Throws AgainstRefused naming it
// when it does not run, or does not answer as gcbench does.
nlohmann::json probe_gcbench(const std::filesystem::path& executable);

// Throws AgainstRefused naming `other` when its identity (probe_gcbench) cannot be
// paired with `ours`: a LibTorch of another version or CUDA build (the times would
// compare LibTorches), or a record schema or paired-file format newer than ours.
void check_pairable(const nlohmann::json& ours, const nlohmann::json& other, const std::filesystem::path& executable);

// Runs the rounds and writes the paired file atomically: an interrupted session
// leaves none. Throws std::runtime_error naming the side, the round and its log
// when a side's bench fails.
void run_paired_bench(const PairedBenchOptions& options);

}  // namespace gcbench
