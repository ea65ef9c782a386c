// Where a result came from: versions, revision, machine (runtime/machine.hpp
// holds the machine's facts).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "record/run_record.hpp"
#include "runtime/machine.hpp"

namespace gcbench {

std::string gcbench_version();
std::string git_revision();  // "<sha>[-dirty]" at build time, or "unknown"

// What `gcbench version --json` prints, and what `bench --against` asks of the
// other gcbench before running it: "program" ("gcbench"), gcbench_version,
// git_revision, record_schema, paired_bench_format, plugin_abi, libtorch_version
// and libtorch_cuda_version.
nlohmann::json gcbench_identity();

// Versions, revision, host, CPU, BLAS, compiler, threads and cores; the plugins are the runner's to fill in.
Provenance machine_provenance(int threads);

// UTC, e.g. "2026-11-29T01:02:03Z"; `compact` gives "20261129T010203Z" for folder names.
std::string utc_timestamp(bool compact = false);

}  // namespace gcbench
