#include <fmt/format.h>

#include "commands.hpp"
#include "record/provenance.hpp"

namespace gcbench::cli {

int version_command(bool as_json) {
  const auto identity = gcbench_identity();
  if (as_json) {
    fmt::print("{}\n", identity.dump(2));
  } else {
    fmt::print("gcbench {} ({}), record schema {}, plugin ABI {}, LibTorch {}\n", identity["gcbench_version"].get<std::string>(),
               identity["git_revision"].get<std::string>(), identity["record_schema"].get<int>(),
               identity["plugin_abi"].get<int>(), identity["libtorch_version"].get<std::string>());
  }
  return 0;
}

}  // namespace gcbench::cli
