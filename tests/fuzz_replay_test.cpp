// Every fuzzing seed and every input a fuzzer once crashed on, fed again to the
// reader it broke: each must now be answered with the reader's own error, or
// read, and nothing else (see tests/fuzz/fuzz_targets.hpp).
#include <c10/util/Logging.h>
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>

#include "fuzz/fuzz_targets.hpp"
#include "support/fixtures.hpp"

namespace fs = std::filesystem;

TEST_CASE("Every fuzzing seed and past finding is read or refused cleanly by its reader", "[fuzz]") {
  std::size_t inputs = 0;
  for (const auto& target : gcbench::fuzz::targets()) {
    for (const char* kind : {"corpus", "regressions"}) {
      const fs::path folder = gcbench::testing::source_dir() / "tests" / "fuzz" / kind / target.name;
      if (!fs::is_directory(folder)) continue;
      for (const auto& entry : fs::directory_iterator(folder)) {
        INFO(target.name << ": " << entry.path());
        std::ifstream in(entry.path(), std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        CHECK_NOTHROW(target.run(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
        ++inputs;
      }
    }
  }
  CHECK(inputs >= gcbench::fuzz::targets().size());  // at least a seed each
}
