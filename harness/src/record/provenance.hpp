// Where a result came from: versions, revision, machine (runtime/machine.hpp
// holds the machine's facts).
#pragma once

#include <string>

#include "record/run_record.hpp"
#include "runtime/machine.hpp"

namespace gcbench {

std::string gcbench_version();
std::string git_revision();  // "<sha>[-dirty]" at build time, or "unknown"

// Versions, revision, host, CPU, BLAS, compiler, threads and cores; the plugins are the runner's to fill in.
Provenance machine_provenance(int threads);

// UTC, e.g. "2026-11-29T01:02:03Z"; `compact` gives "20261129T010203Z" for folder names.
std::string utc_timestamp(bool compact = false);

}  // namespace gcbench
