// The SQLite history and the dashboard drawn from it: idempotent adds from
// real results folders and benchmark files, versioned schema, step detection
// shown by `history show`, and the page rendered in headless Chromium.
#include <SQLiteCpp/SQLiteCpp.h>
#include <c10/util/Logging.h>
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>

#include "history/dashboard.hpp"
#include "history/history_db.hpp"
#include "history/history_import.hpp"
#include "record/bench_file.hpp"
#include "support/fixtures.hpp"

using gcbench::testing::TempDir;
namespace fs = std::filesystem;

namespace {

using gcbench::testing::exit_code;
using gcbench::testing::gcbench_cli;

// A series per metric over `values.size()` commits, one source each.
void add_commits(gcbench::History& history, const std::string& machine, const std::vector<std::string>& series,
                 const std::vector<double>& values) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::vector<gcbench::HistoryPoint> points;
    for (std::size_t s = 0; s < series.size(); ++s) points.push_back({series[s], values[i] * static_cast<double>(s + 1), "s"});
    history.add({fmt::format("{}-{}", machine, i), "benchmark", "bench.json", fmt::format("rev{:02}", i), machine,
                 fmt::format("2026-11-{:02}T00:00:00Z", i + 1)},
                points);
  }
}

std::size_t count(const std::string& text, const std::string& pattern) {
  const std::regex re(pattern);
  return static_cast<std::size_t>(std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
}

}  // namespace

TEST_CASE("A benchmark row's case is its name before Google Benchmark's /real_time, and a name without it stays whole",
          "[history]") {
  SECTION("the suffix is cut") {
    CHECK(gcbench::ends_with_real_time("train_step/conv4/real_time"));
    CHECK(gcbench::case_name("train_step/conv4/real_time") == "train_step/conv4");
  }
  SECTION("a name with the suffix elsewhere, or that is the suffix alone, is not cut") {
    CHECK_FALSE(gcbench::ends_with_real_time("train_step/real_time/conv4"));
    CHECK_FALSE(gcbench::ends_with_real_time("/real_time"));
    CHECK(gcbench::case_name("/real_time") == "/real_time");
    CHECK(gcbench::case_name("train_step/conv4") == "train_step/conv4");
  }
}

TEST_CASE("history add keeps one copy of results added twice", "[history]") {
  TempDir dir;
  gcbench::testing::write_fashion_mnist_fixture(dir / "data", 30, 20);
  gcbench::testing::write_text(dir / "h.toml", R"(
[suite]
seeds = [0, 1]
[dataset]
plugin = "fashion_mnist"
root = ")" + (dir / "data").string() + R"("
[architecture]
plugin = "mlp"
[architecture.options]
hidden = [16]
embedding_dim = 8
[training]
max_steps = 4
batch_size = 16
[measure]
gc_estimators = ["hutchinson"]
gc_samples = 8
[measure.fewshot]
shots = [1]
episodes = 5
queries = 5
classifiers = ["ncm"]
[runtime]
threads = 1
)");
  REQUIRE(exit_code(gcbench_cli(fmt::format("run '{}' --out '{}'", (dir / "h.toml").string(), (dir / "results").string()))) == 0);
  const auto db = dir / "history.sqlite";
  const auto first = gcbench_cli(fmt::format("history add --db '{}' '{}'", db.string(), (dir / "results" / "h").string()));
  INFO(first);
  CHECK(exit_code(first) == 0);
  CHECK_THAT(first, Catch::Contains(": 2 added") && Catch::Contains("2 sources"));
  const auto second = gcbench_cli(fmt::format("history add --db '{}' '{}'", db.string(), (dir / "results" / "h").string()));
  INFO(second);
  CHECK_THAT(second, Catch::Contains(": 0 added (0 points), 2 already in the history") && Catch::Contains("2 sources"));

  const auto show = gcbench_cli(fmt::format("history show --db '{}' target.fewshot.ncm.1shot", db.string()));
  INFO(show);
  CHECK(exit_code(show) == 0);
  CHECK_THAT(show, Catch::Contains("h/seed=0/target.fewshot.ncm.1shot") && Catch::Contains("h/seed=1/target.fewshot.ncm.1shot"));
}

TEST_CASE("history add takes a benchmark file once, by its content", "[history]") {
  TempDir dir;
  const auto file = dir / "bench.json";
  gcbench::testing::write_text(file,
                               R"({"context": {"date": "2026-11-29T00:00:00+00:00", "host_name": "h", "git_revision": "abc"},
    "benchmarks": [{"name": "nc/x", "run_name": "nc/x", "run_type": "iteration", "real_time": 3.0, "cpu_time": 2.0, "time_unit": "ms"},
                   {"name": "nc/x", "run_name": "nc/x", "run_type": "iteration", "real_time": 5.0, "cpu_time": 4.0, "time_unit": "ms"},
                   {"name": "nc/x_mean", "run_name": "nc/x", "run_type": "aggregate", "real_time": 4.0, "cpu_time": 3.0, "time_unit": "ms"}]})");
  auto history = gcbench::History::open(dir / "h.sqlite");
  const auto added = gcbench::add_benchmark_file(history, file, "");
  CHECK(added.added == 1);
  CHECK(added.points == 2);
  CHECK(gcbench::add_benchmark_file(history, file, "").already == 1);
  const auto series = history.series("bench/nc/x/real_time");
  REQUIRE(series.size() == 1);
  CHECK(series[0].value == Catch::Detail::Approx(0.004));  // the median of the repetitions, in seconds; aggregates ignored
  CHECK(series[0].machine == "h");
  CHECK(series[0].git_revision == "abc");
}

TEST_CASE("history add keeps each benchmark also in units of its file's calibration cases", "[history]") {
  TempDir dir;
  const auto file = dir / "bench.json";
  const auto iteration = [](const char* name, double ms) {
    return fmt::format(
        R"({{"name": "{0}", "run_name": "{0}", "run_type": "iteration", "real_time": {1}, "cpu_time": {1}, "time_unit": "ms"}})",
        name, ms);
  };
  gcbench::testing::write_text(
      file, fmt::format(R"({{"context": {{"date": "2026-11-29T00:00:00+00:00", "host_name": "h", "git_revision": "abc"}},
    "benchmarks": [{}, {}, {}, {}, {}, {}]}})",
                        iteration("nc/x", 3), iteration("nc/x", 5), iteration("calibration/gemm_512", 10),
                        iteration("calibration/gemm_512", 12), iteration("calibration/conv3x3_64", 4.4),
                        iteration("calibration/conv3x3_64", 4.4)));
  auto history = gcbench::History::open(dir / "h.sqlite");
  CHECK(gcbench::add_benchmark_file(history, file, "").points == 3 * 2 + 1);
  // The calibration's geometric mean: sqrt(11 ms x 4.4 ms) = 6.957 ms; nc/x's median 4 ms is 0.575 of it.
  const auto normalised = history.series("bench/nc/x/real_time_normalised");
  REQUIRE(normalised.size() == 1);
  CHECK(normalised[0].value == Catch::Detail::Approx(0.004 / std::sqrt(0.011 * 0.0044)));
  for (const auto& info : history.series_names()) {
    if (info.name == "bench/nc/x/real_time_normalised") CHECK(info.unit == "x calibration");
  }
  CHECK(history.series("bench/calibration/gemm_512/real_time").size() == 1);
  CHECK(history.series("bench/calibration/gemm_512/real_time_normalised").empty());  // 1 by definition, nothing to see
}

TEST_CASE("The dashboard names a step the calibration shares 'machine', and the normalised series has none", "[history]") {
  TempDir dir;
  {
    auto history = gcbench::History::open(dir / "h.sqlite");
    // Night 4 on: the machine runs 30% slower (calibration and conv4 alike); night 6 on, gc/x is 40% slower (the code).
    for (int night = 0; night < 9; ++night) {
      const double machine = night >= 4 ? 1.3 : 1.0;
      const double code = night >= 6 ? 1.4 : 1.0;
      history.add({fmt::format("night-{}", night), "benchmark", "bench.json", fmt::format("rev{:02}", night), "ci",
                   fmt::format("2026-11-{:02}T00:00:00Z", night + 1)},
                  {{"bench/calibration/gemm_512/real_time", 0.01 * machine, "s"},
                   {"bench/train_step/conv4/real_time", 0.1 * machine, "s"},
                   {"bench/train_step/conv4/real_time_normalised", 10.0, "x calibration"},
                   {"bench/gc/x/real_time", 0.5 * machine * code, "s"},
                   {"bench/gc/x/real_time_normalised", 50.0 * code, "x calibration"}});
    }
    gcbench::write_dashboard(history, dir / "dash", {});
  }
  const auto page = gcbench::testing::read_text(dir / "dash" / "index.html");
  const auto begin = page.find("id=\"data\">") + 10;
  const auto data = nlohmann::json::parse(page.substr(begin, page.find("</script>", begin) - begin));
  std::map<std::string, nlohmann::json> steps;
  for (const auto& series : data["series"]) steps[series["name"]] = series["machines"]["ci"]["steps"];
  const auto flags = [&](const std::string& name) {
    std::vector<std::pair<int, bool>> out;
    for (const auto& step : steps.at(name)) out.emplace_back(step["index"].get<int>(), step["machine"].get<bool>());
    return out;
  };
  using Flags = std::vector<std::pair<int, bool>>;
  CHECK(flags("bench/calibration/gemm_512/real_time") == Flags{{4, true}});
  CHECK(flags("bench/train_step/conv4/real_time") == Flags{{4, true}});
  CHECK(flags("bench/train_step/conv4/real_time_normalised").empty());
  CHECK(flags("bench/gc/x/real_time") == Flags{{4, true}, {6, false}});
  CHECK(flags("bench/gc/x/real_time_normalised") == Flags{{6, false}});
}

TEST_CASE("A history file of a newer schema, or another SQLite file, is refused with its name", "[history]") {
  TempDir dir;
  SECTION("newer") {
    gcbench::History::open(dir / "h.sqlite");
    SQLite::Database(fs::path(dir / "h.sqlite").string(), SQLite::OPEN_READWRITE).exec("PRAGMA user_version = 99");
    CHECK_THROWS_WITH(gcbench::History::open(dir / "h.sqlite"),
                      Catch::Contains("h.sqlite: history schema version 99 is newer than this gcbench reads (1)"));
  }
  SECTION("another database") {
    SQLite::Database(fs::path(dir / "other.sqlite").string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE)
        .exec("CREATE TABLE t (x)");
    CHECK_THROWS_WITH(gcbench::History::open(dir / "other.sqlite"),
                      Catch::Contains("other.sqlite is an SQLite database, but not a gcbench history"));
  }
  SECTION("a file that is not SQLite") {
    gcbench::testing::write_text(dir / "text.sqlite", "just text, long enough to be read as a header of a database file\n");
    CHECK_THROWS_WITH(gcbench::History::open(dir / "text.sqlite"), Catch::Contains("text.sqlite: not a usable history database"));
  }
  SECTION("a new file is created at the current schema") {
    CHECK(gcbench::History::open(dir / "new" / "h.sqlite").schema_version() == gcbench::kHistorySchemaVersion);
  }
}

TEST_CASE("history show marks the commit where a series steps", "[history]") {
  TempDir dir;
  {
    auto history = gcbench::History::open(dir / "h.sqlite");
    add_commits(history, "ci", {"bench/train_step/conv4/real_time"}, {1, 1.01, 0.99, 1, 1.02, 1.5, 1.49, 1.51, 1.5});
  }
  const auto output = gcbench_cli(fmt::format("history show --db '{}' train_step", (dir / "h.sqlite").string()));
  INFO(output);
  CHECK(exit_code(output) == 0);
  CHECK_THAT(output, Catch::Matches(R"([\s\S]*2026-11-06T00:00:00Z  rev05 +1\.5  <- step: 1 -> 1\.5 \(\+50\.0%\)\n[\s\S]*)"));
  CHECK_THAT(output, Catch::Contains("steps: 1"));
}

TEST_CASE("The dashboard renders in headless Chromium with every series' points and steps", "[history][dashboard]") {
  TempDir dir;
  const std::vector<std::string> series = {"bench/nc/100k_x_512/real_time", "nightly/seed=0/target.fewshot.ncm.5shot",
                                           "evil</script><b>name"};
  {
    auto history = gcbench::History::open(dir / "h.sqlite");
    add_commits(history, "alpha", series, {1, 1, 1, 1, 2, 2, 2, 2});
    add_commits(history, "beta", series, {3, 3, 3});
  }
  const auto out =
      gcbench_cli(fmt::format("dashboard --db '{}' --out '{}'", (dir / "h.sqlite").string(), (dir / "dash").string()));
  INFO(out);
  REQUIRE(exit_code(out) == 0);
  const auto page = dir / "dash" / "index.html";
  const auto dom = gcbench::testing::run_command(fmt::format(
      "timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update "
      "--no-first-run --user-data-dir='{}' --dump-dom 'file://{}'",
      (dir / "chromium").string(), page.string()));
  REQUIRE(dom.rfind("0\n", 0) == 0);  // chromium is installed by ci/setup.sh --tests
  // The first machine is shown: three plots of 8 points, each with one step, and the table.
  CHECK(count(dom, R"(<svg [^>]*data-points="8")") == 3);
  CHECK(count(dom, R"(<svg [^>]*data-steps="1")") == 3);
  CHECK(count(dom, R"(<circle )") == 24);
  CHECK(count(dom, R"(<line [^>]*class="step")") == 3);
  CHECK_THAT(dom, Catch::Contains("3 of 3 series on alpha"));
  CHECK_THAT(dom, Catch::Contains("evil&lt;/script&gt;&lt;b&gt;name"));  // text, never markup
  CHECK(dom.find("<b>name") == std::string::npos);
}
