// Refactoring the harness must not change what it measures: the suite in
// tests/data/golden/ run today gives the record gcbench wrote before the
// measurement pipeline moved into measure/, bit for bit, but for what differs
// between any two runs (times, timestamps, folders) and the provenance.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <fstream>

#include "record/results_folder.hpp"
#include "record/run_record.hpp"
#include "runtime/machine.hpp"
#include "support/fixtures.hpp"

using gcbench::testing::TempDir;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// What two runs of the same work may not share: wall and CPU times, peak
// memory, the start, where the run's folder and checkpoint sit, and the
// provenance (revision, host, plugin digests are the build's, not the work's);
// nor the ids, hashes of the config whose form has its own tests
// (run_identity_test.cpp): the golden records predate ids of non-default values.
json without_run_specifics(json value) {
  return gcbench::testing::without_keys(std::move(value), {"seconds", "timings", "cpu_timings", "peak_rss_bytes", "started_at",
                                                           "checkpoint", "run_dir", "provenance", "run_id", "training_id"});
}

}  // namespace

TEST_CASE("A fixed-seed run records the same metrics, bit for bit, as before the measurement pipeline moved", "[e2e][golden]") {
  const fs::path golden_dir = gcbench::testing::source_dir() / "tests" / "data" / "golden";
  const fs::path golden_file = golden_dir / fmt::format("measurement-libtorch-{}.json", gcbench::libtorch_version());
  REQUIRE(fs::exists(golden_file));  // a new LibTorch gets its golden record from a build before any refactor
  json golden;
  std::ifstream(golden_file) >> golden;
  const std::string golden_cpu = golden["provenance"]["cpu_model"];
  if (golden_cpu != gcbench::cpu_model()) {
    // Floating-point kernels differ between CPUs: bit-for-bit holds on the kind it was recorded on.
    WARN(fmt::format("not compared: {} was recorded on '{}', this is '{}'", golden_file.string(), golden_cpu,
                     gcbench::cpu_model()));
    return;
  }
  REQUIRE(fs::exists("/usr/share/datasets/fashion-mnist"));  // Debian's dataset-fashion-mnist; ci/setup.sh installs it

  TempDir dir;
  const auto output = gcbench::testing::gcbench_cli(fmt::format(
      "run {} --out {}", gcbench::testing::quoted(golden_dir / "measurement.toml"), gcbench::testing::quoted(dir / "out")));
  INFO(output);
  REQUIRE(gcbench::testing::exit_code(output) == 0);
  const auto read = gcbench::ResultsFolder::open(dir / "out" / "measurement").read_records();
  REQUIRE(read.problems.empty());
  REQUIRE(read.records.size() == 1);
  const json today = without_run_specifics(gcbench::to_json(read.records.front()));
  // Read as any older record is (upgraded to today's schema), so a new schema needs no new golden file.
  const json before = without_run_specifics(gcbench::to_json(gcbench::run_record_from_json(golden)));
  CHECK(json::diff(before, today).dump(1) == "[]");
  CHECK(today == before);
}
