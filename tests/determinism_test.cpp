// The same suite run twice, in two processes, gives bit-for-bit the same
// results: everything a record holds but its timings and timestamps.
#include <c10/util/Logging.h>
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "record/results_folder.hpp"
#include "support/fixtures.hpp"

using gcbench::testing::TempDir;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// The record without what may differ between two runs of the same work: wall
// and CPU times, peak memory, when it started, and where its checkpoint sits
// (the folder's timestamp).
json without_timings(json value) {
  return gcbench::testing::without_keys(std::move(value),
                                        {"seconds", "timings", "cpu_timings", "peak_rss_bytes", "started_at", "checkpoint"});
}

std::vector<json> run_once(const TempDir& dir, const std::string& out) {
  const auto output =
      gcbench::testing::run_command(fmt::format("{} run {} --out {}", gcbench::testing::gcbench_executable().string(),
                                                (dir / "suite.toml").string(), (dir / out).string()));
  INFO(output);
  REQUIRE(output.rfind("0\n", 0) == 0);
  const auto read = gcbench::ResultsFolder::open(dir / out / "same-twice").read_records();
  REQUIRE(read.problems.empty());
  std::vector<json> records;
  for (const auto& record : read.records) records.push_back(without_timings(gcbench::to_json(record)));
  return records;
}

}  // namespace

TEST_CASE("The same suite run twice gives bitwise-identical metrics", "[e2e][determinism]") {
  TempDir dir;
  gcbench::testing::write_fashion_mnist_fixture(dir / "data", 40, 30);
  gcbench::testing::write_text(dir / "suite.toml", fmt::format(R"(
[suite]
name = "same-twice"
seeds = [0, 1]
[dataset]
plugin = "fashion_mnist"
root = "{}"
[architecture]
plugin = "conv4"
[architecture.options]
width = 8
embedding_dim = 16
[training]
batch_size = 16
augment = true
trajectory_every = 5
trajectory_gc_samples = 4
trajectory_nc_samples = 20
gc_penalty = 1e-3
[measure]
gc_samples = 8
gc_estimators = ["exact", "hutchinson", "output_sampling"]
[measure.fewshot]
episodes = 10
queries = 5
[runtime]
threads = 1
)",
                                                               (dir / "data").string()));
  const auto first = run_once(dir, "first");
  const auto second = run_once(dir, "second");
  REQUIRE(first.size() == 2);
  REQUIRE(second.size() == 2);
  for (std::size_t i = 0; i < first.size(); ++i) {
    INFO("run " << i);
    CHECK(first[i]["metrics"] == second[i]["metrics"]);
    CHECK(first[i]["training"] == second[i]["training"]);
    CHECK(first[i] == second[i]);
  }
  CHECK(first[0]["metrics"] != first[1]["metrics"]);  // the seeds differ, so the results do
}
