#include "history/history_import.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "record/bench_file.hpp"
#include "record/headline_metrics.hpp"
#include "record/results_folder.hpp"
#include "stats/rank_tests.hpp"
#include "util/file_digest.hpp"

namespace gcbench {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The run as a reader names it across commits: variant, sweep point and seed
// (the plan index can change when a suite grows).
std::string series_run_name(const RunRecord& record) {
  const std::string label = run_label(record);
  return label.substr(label.find(' ') + 1);
}

std::string unit_of(MetricKind kind) {
  switch (kind) {
    case MetricKind::accuracy:
      return "accuracy";
    case MetricKind::time:
      return "s";
    default:
      return "";
  }
}

}  // namespace

AddSummary add_results_folder(History& history, const fs::path& path, const std::string& machine) {
  const auto folder = ResultsFolder::open(path);
  const auto list = folder.read_records();
  if (!list.problems.empty()) {
    throw std::runtime_error(
        fmt::format("{}: records cannot be read:\n  {}", folder.path().string(), fmt::join(list.problems, "\n  ")));
  }
  if (list.records.empty()) throw std::runtime_error(fmt::format("{}: no records to add", folder.path().string()));
  AddSummary summary;
  for (const auto& record : list.records) {
    HistorySource source{sha256_of_text(to_json(record).dump()),
                         "run",
                         record.suite + " " + run_label(record),
                         record.provenance.git_revision,
                         machine.empty() ? record.provenance.hostname : machine,
                         record.started_at};
    std::vector<HistoryPoint> points;
    const std::string prefix = record.suite + "/" + series_run_name(record) + "/";
    points.push_back({prefix + "status_ok", record.status == RunStatus::ok ? 1.0 : 0.0, ""});
    for (const auto& metric : headline_metrics(record))
      points.push_back({prefix + metric.name, metric.value, unit_of(metric.kind)});
    if (history.add(source, points)) {
      ++summary.added;
      summary.points += points.size();
    } else {
      ++summary.already;
    }
  }
  return summary;
}

AddSummary add_benchmark_file(History& history, const fs::path& file, const std::string& machine) {
  const BenchFile bench = read_bench_file(file);
  const auto text = [&](const char* key) {
    return bench.context.contains(key) && bench.context[key].is_string() ? bench.context[key].get<std::string>() : "";
  };
  std::vector<HistoryPoint> points;
  const auto calibration = calibration_seconds(bench);
  for (std::string name : bench.order) {
    const auto& repetitions = bench.benchmarks.at(name);
    if (repetitions.real_time.empty()) continue;  // every repetition failed
    const bool calibrates = is_calibration_case(name);
    // The statistic ends each series' name; Google Benchmark's kRealTimeSuffix would only repeat it.
    name = case_name(name);
    if (bench.counts_instructions) {  // its times are under valgrind: only the counts mean anything
      if (!repetitions.instructions.empty()) {
        points.push_back({"bench/" + name + "/instructions", median(repetitions.instructions), "instructions"});
      }
      continue;
    }
    points.push_back({"bench/" + name + "/cpu_time", median(repetitions.cpu_time), "s"});
    points.push_back({"bench/" + name + std::string(kRealTimeSuffix), median(repetitions.real_time), "s"});
    // In units of the session's calibration: a machine that ran 20% slower all night moves neither side of the ratio.
    if (calibration && !calibrates) {
      points.push_back({"bench/" + name + kNormalisedSuffix, median(repetitions.real_time) / *calibration, kCalibrationUnit});
    }
  }
  HistorySource source{sha256_of_text(bench.content),
                       "benchmark",
                       file.filename().string(),
                       text("git_revision"),
                       machine.empty() ? text("host_name") : machine,
                       text("date")};
  AddSummary summary;
  if (history.add(source, points)) {
    summary.added = 1;
    summary.points = points.size();
  } else {
    summary.already = 1;
  }
  return summary;
}

}  // namespace gcbench
