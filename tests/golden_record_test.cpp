// Refactoring the harness must not change what it measures: the suite in
// tests/data/golden/ run today gives the record gcbench wrote when the golden
// file was made, bit for bit, but for what differs between any two runs (times,
// timestamps, folders) and the provenance. Bits hold only on one machine
// identity (record/machine_identity.hpp): the same CPU model, instruction sets,
// math libraries, threads and LibTorch. So each LibTorch has one golden file
// per machine identity it was made on, and the run is compared with the one of
// its own; where there is none, the test says why it did not compare. A change
// meant to move results at rounding remakes the files (tests/data/golden/README.md).
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <vector>

#include "record/machine_identity.hpp"
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
// (run_identity_test.cpp), and which would hide where a change in the config comes from.
json without_run_specifics(json value) {
  return gcbench::testing::without_keys(std::move(value), {"seconds", "timings", "cpu_timings", "peak_rss_bytes", "started_at",
                                                           "checkpoint", "run_dir", "provenance", "run_id", "training_id"});
}

fs::path golden_dir() { return gcbench::testing::source_dir() / "tests" / "data" / "golden"; }

// This LibTorch's golden records: measurement-libtorch-<version>.json and
// measurement-libtorch-<version>.<machine>.json, one per machine identity.
std::vector<fs::path> golden_files() {
  const auto prefix = fmt::format("measurement-libtorch-{}.", gcbench::libtorch_version());
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(golden_dir())) {
    const auto name = entry.path().filename().string();
    if (name.rfind(prefix, 0) == 0 && entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

gcbench::RunRecord read_golden(const fs::path& file) {
  json golden_json;
  std::ifstream(file) >> golden_json;
  // Read as any older record is (upgraded to today's schema), so a new schema needs no new golden file.
  return gcbench::run_record_from_json(golden_json);
}

// Why a record of one machine identity is not compared with a run on another ("" when they are one).
std::string why_not_comparable(const gcbench::RunRecord& golden, const gcbench::RunRecord& today) {
  // A model name alone is not one machine: an AMD EPYC with AVX-512 rounds
  // otherwise than the AVX2 one of the same name, and oneDNN and ATen choose
  // their kernels by instruction set. What is not known counts as different.
  const auto machines =
      gcbench::differences(gcbench::machine_identity(golden.provenance), gcbench::machine_identity(today.provenance));
  auto reasons = machines.differ;
  for (const auto& field : machines.not_known) reasons.push_back(field + ": not known");
  return fmt::format("{}", fmt::join(reasons, "; "));
}

}  // namespace

TEST_CASE("A fixed-seed run records the same metrics, bit for bit, as the golden record of its machine", "[e2e][golden]") {
  const auto files = golden_files();
  REQUIRE_FALSE(files.empty());                              // a new LibTorch gets one as tests/data/golden/README.md says
  REQUIRE(fs::exists("/usr/share/datasets/fashion-mnist"));  // Debian's dataset-fashion-mnist; ci/setup.sh installs it

  TempDir dir;
  const auto output = gcbench::testing::gcbench_cli(fmt::format(
      "run {} --out {}", gcbench::testing::quoted(golden_dir() / "measurement.toml"), gcbench::testing::quoted(dir / "out")));
  INFO(output);
  REQUIRE(gcbench::testing::exit_code(output) == 0);
  const auto read = gcbench::ResultsFolder::open(dir / "out" / "measurement").read_records();
  REQUIRE(read.problems.empty());
  REQUIRE(read.records.size() == 1);
  const auto& today = read.records.front();

  std::vector<std::string> elsewhere;
  for (const auto& file : files) {
    INFO("golden record: " << file.string());  // before reading: a file that does not parse is named too
    const auto golden = read_golden(file);
    const auto reasons = why_not_comparable(golden, today);
    if (!reasons.empty()) {
      elsewhere.push_back(fmt::format("{} ({})", file.filename().string(), reasons));
      continue;
    }
    const json before = without_run_specifics(gcbench::to_json(golden));
    const json after = without_run_specifics(gcbench::to_json(today));
    CHECK(json::diff(before, after).dump(1) == "[]");
    CHECK(after == before);
    return;
  }
  WARN(fmt::format("not compared: every golden record of this LibTorch was recorded on another machine identity: {}",
                   fmt::join(elsewhere, "; ")));
}

TEST_CASE("No two golden records of one LibTorch share a machine identity", "[golden]") {
  // Two files of one identity would be compared with whichever sorts first, and the other never.
  const auto files = golden_files();
  for (std::size_t i = 0; i < files.size(); ++i) {
    for (std::size_t j = i + 1; j < files.size(); ++j) {
      INFO(files[i].filename().string() << " and " << files[j].filename().string());
      CHECK_FALSE(why_not_comparable(read_golden(files[i]), read_golden(files[j])).empty());
    }
  }
}
