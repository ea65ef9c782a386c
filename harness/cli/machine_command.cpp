#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.hpp"
#include "record/machine_identity.hpp"
#include "record/provenance.hpp"
#include "runtime/blas_kernels.hpp"
#include "runtime/device.hpp"
#include "runtime/process_tuning.hpp"

namespace gcbench::cli {

int machine_command(const MachineArguments& arguments) {
  if (const auto problem = threads_problem(arguments.threads); !problem.empty()) {
    fmt::print(stderr, "gcbench machine: --threads: {}\n", problem);
    return 2;
  }
  Provenance provenance = machine_provenance(apply_threads(arguments.threads));
  try {
    const DeviceChoice choice = choose_device(arguments.device);
    provenance.device = device_name(choice.device);
    provenance.device_model = device_model(choice.device);
  } catch (const std::invalid_argument& error) {
    fmt::print(stderr, "gcbench machine: --device: {}\n", error.what());
    return 2;
  }
  const MachineIdentity identity = machine_identity(provenance);
  if (arguments.as_json) {
    fmt::print("{}\n", to_json(identity).dump(2));
    return 0;
  }
  fmt::print("{}\n", describe(identity));
  fmt::print("  instruction sets: {}\n", identity.cpu_isa);
  fmt::print("  math libraries: {}\n", fmt::join(*identity.math_libraries, ", "));
  fmt::print("  thread variables: {}\n", identity.thread_environment->empty()
                                             ? std::string("none set")
                                             : fmt::format("{}", fmt::join(*identity.thread_environment, " ")));
  fmt::print("  BLAS kernels: {}\n", blas_kernels());
  if (const auto advice = blas_kernel_advice(); !advice.empty()) fmt::print("  warning: {}\n", advice);
  return 0;
}

}  // namespace gcbench::cli
