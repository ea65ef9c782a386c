#include "history/history_import.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <openssl/sha.h>

#include <fstream>
#include <map>
#include <sstream>

#include "record/headline_metrics.hpp"
#include "record/results_folder.hpp"
#include "stats/rank_tests.hpp"

namespace gcbench {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string sha256_hex(const std::string& content) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(content.data()), content.size(), digest);
  std::string hex;
  for (const unsigned char byte : digest) hex += fmt::format("{:02x}", byte);
  return hex;
}

// The run as a reader names it across commits: variant, sweep point and seed
// (the plan index can change when a suite grows).
std::string series_run_name(const RunRecord& record) {
  const std::string label = run_label(record);
  return label.substr(label.find(' ') + 1);
}

std::string unit_of(MetricKind kind) {
  switch (kind) {
    case MetricKind::accuracy: return "accuracy";
    case MetricKind::time: return "s";
    default: return "";
  }
}

}  // namespace

AddSummary add_results_folder(History& history, const fs::path& path, const std::string& machine) {
  const auto folder = ResultsFolder::open(path);
  const auto list = folder.read_records();
  if (!list.problems.empty()) {
    throw std::runtime_error(fmt::format("{}: records cannot be read:\n  {}", folder.path().string(), fmt::join(list.problems, "\n  ")));
  }
  if (list.records.empty()) throw std::runtime_error(fmt::format("{}: no records to add", folder.path().string()));
  AddSummary summary;
  for (const auto& record : list.records) {
    HistorySource source{sha256_hex(to_json(record).dump()), "run", record.suite + " " + run_label(record),
                         record.provenance.git_revision, machine.empty() ? record.provenance.hostname : machine,
                         record.started_at};
    std::vector<HistoryPoint> points;
    const std::string prefix = record.suite + "/" + series_run_name(record) + "/";
    points.push_back({prefix + "status_ok", record.status == RunStatus::ok ? 1.0 : 0.0, ""});
    for (const auto& metric : headline_metrics(record)) points.push_back({prefix + metric.name, metric.value, unit_of(metric.kind)});
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
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("{} cannot be opened", file.string()));
  std::stringstream content;
  content << in.rdbuf();
  json doc;
  try {
    doc = json::parse(content.str());
  } catch (const json::exception& error) {
    throw std::runtime_error(fmt::format("{} is not JSON: {}", file.string(), error.what()));
  }
  if (!doc.is_object() || !doc.contains("context") || !doc.contains("benchmarks") || !doc["benchmarks"].is_array()) {
    throw std::runtime_error(fmt::format("{} is not Google Benchmark JSON (gcbench bench --json FILE writes one)", file.string()));
  }
  const auto& context = doc["context"];
  const auto text = [&](const char* key) { return context.contains(key) && context[key].is_string() ? context[key].get<std::string>() : ""; };
  std::map<std::string, std::map<std::string, std::vector<double>>> times;  // name -> statistic -> seconds
  std::vector<std::string> order;
  const std::map<std::string, double> scale = {{"ns", 1e-9}, {"us", 1e-6}, {"ms", 1e-3}, {"s", 1.0}};
  for (const auto& entry : doc["benchmarks"]) {
    if (!entry.is_object() || entry.value("run_type", "iteration") != "iteration" || entry.value("error_occurred", false)) continue;
    std::string name = entry.value("run_name", entry.value("name", ""));
    // The statistic ends each series' name; Google Benchmark's "/real_time" (UseRealTime) would only repeat it.
    if (name.size() > 10 && name.compare(name.size() - 10, 10, "/real_time") == 0) name.resize(name.size() - 10);
    const auto unit = scale.find(entry.value("time_unit", "ns"));
    if (name.empty() || unit == scale.end()) continue;
    if (!times.count(name)) order.push_back(name);
    for (const char* statistic : {"real_time", "cpu_time"}) {
      if (entry.contains(statistic) && entry[statistic].is_number()) {
        times[name][statistic].push_back(entry[statistic].get<double>() * unit->second);
      }
    }
  }
  std::vector<HistoryPoint> points;
  for (const auto& name : order) {
    for (const auto& [statistic, values] : times[name]) points.push_back({"bench/" + name + "/" + statistic, median(values), "s"});
  }
  HistorySource source{sha256_hex(content.str()), "benchmark", file.filename().string(), text("git_revision"),
                       machine.empty() ? text("host_name") : machine, text("date")};
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
