// What "one machine" means for results. Beside the code, a run's bits depend on
// the CPU and the instruction sets its kernels choose by, the BLAS, LAPACK and
// OpenMP libraries loaded, the thread counts, the LibTorch and the device: float
// rounding differs between any two of those, and one seed's training carries the
// difference far beyond any threshold. Two records of one revision and one
// machine identity hold the same results.
//
// This is the one definition: compare refuses to judge results across machine
// identities unless told --across-machines, and ci/nightly.sh keeps the
// baseline's results per identity, as `gcbench machine --json` prints it.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "record/run_record.hpp"

namespace gcbench {

struct MachineIdentity {
  std::string cpu_model;                                       // "": not known (a record before schema 3)
  std::string cpu_isa;                                         // "": not known (before schema 8)
  std::optional<std::vector<std::string>> math_libraries;      // none: not known (before schema 8)
  std::optional<std::vector<std::string>> thread_environment;  // none: not known (before schema 8)
  std::int64_t threads = 0;
  std::string libtorch;  // "1.13.1", "2.15.0 CUDA 13.2"
  std::string blas;      // LibTorch's BLAS_INFO
  std::string device;    // the GPU's name, or the CPU model
};

MachineIdentity machine_identity(const Provenance& provenance);

// One line for a person: CPU, threads, LibTorch, BLAS, device (the instruction
// sets and libraries are long; `differences` names them where they differ).
std::string describe(const MachineIdentity& identity);

// Every field; what `gcbench machine --json` prints.
nlohmann::json to_json(const MachineIdentity& identity);

struct IdentityDifferences {
  // Fields both sides know and differ in, each "what: baseline ...; contender ...".
  std::vector<std::string> differ;
  // Fields one side does not know (an older record), by name. They are not
  // counted as differences: an older baseline could never be judged otherwise.
  // A CPU model not known is the exception: without it nothing says the
  // machines are one, so it is a difference.
  std::vector<std::string> not_known;
};
IdentityDifferences differences(const MachineIdentity& baseline, const MachineIdentity& contender);

}  // namespace gcbench
