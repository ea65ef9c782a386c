// One libFuzzer binary per target: GCBENCH_FUZZ_TARGET names the function.
#include "fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  gcbench::fuzz::GCBENCH_FUZZ_TARGET(data, size);
  return 0;
}
