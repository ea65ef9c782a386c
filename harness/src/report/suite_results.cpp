#include "report/suite_results.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "record/record_writer.hpp"

namespace gcbench {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::optional<double> number_at(const json& record, const std::string& pointer) {
  const json::json_pointer p(pointer);
  if (!record.contains(p) || !record[p].is_number()) return std::nullopt;
  return record[p].get<double>();
}

bool json_less(const json& a, const json& b) {
  if (a.is_number() && b.is_number()) return a.get<double>() < b.get<double>();
  return a.dump() < b.dump();
}

}  // namespace

SuiteResults load_suite_results(const fs::path& path) {
  SuiteResults results;
  results.folder = path;
  if (!fs::exists(path / "runs.jsonl")) {
    std::vector<fs::path> candidates;
    if (fs::is_directory(path)) {
      for (const auto& entry : fs::directory_iterator(path)) {
        if (fs::exists(entry.path() / "runs.jsonl")) candidates.push_back(entry.path());
      }
    }
    if (candidates.empty()) {
      throw std::runtime_error(fmt::format("{} holds no runs.jsonl, nor does any folder in it; give a suite's results "
                                           "folder, e.g. results/<suite>/<timestamp>", path.string()));
    }
    results.folder = *std::max_element(candidates.begin(), candidates.end());  // timestamps sort by name
    if (candidates.size() > 1) {
      results.warnings.push_back(fmt::format("{} holds {} results folders of the suite; reporting the latest, {}",
                                             path.string(), candidates.size(), results.folder.filename().string()));
    }
  }
  const fs::path file = results.folder / "runs.jsonl";
  RecordFile read = read_records(file);
  if (!read.problems.empty()) {
    throw std::runtime_error(read.problems.front() + "; the file was edited or damaged");
  }
  if (read.torn_last_line > 0) {
    results.warnings.push_back(fmt::format("{}:{}: skipped a truncated last record", file.string(), read.torn_last_line));
  }
  results.records = std::move(read.records);
  if (results.records.empty()) throw std::runtime_error(fmt::format("{} holds no records yet", file.string()));
  return results;
}

Headline choose_headline(const std::vector<json>& records) {
  Headline headline;
  std::vector<std::string> estimators, classifiers;
  std::set<int> shots;
  for (const auto& record : records) {
    const json::json_pointer gc("/metrics/source/gc"), fewshot("/metrics/target/fewshot");
    if (record.contains(gc)) {
      for (const auto& [name, value] : record[gc].items()) {
        if (std::find(estimators.begin(), estimators.end(), name) == estimators.end()) estimators.push_back(name);
      }
    }
    if (record.contains(fewshot) && record[fewshot].is_object()) {
      for (const auto& [name, by_shots] : record[fewshot].items()) {
        if (std::find(classifiers.begin(), classifiers.end(), name) == classifiers.end()) classifiers.push_back(name);
        for (const auto& [k, value] : by_shots.items()) shots.insert(std::stoi(k));
      }
    }
  }
  const auto prefer = [](const std::vector<std::string>& present, std::initializer_list<const char*> order) {
    for (const char* name : order) {
      if (std::find(present.begin(), present.end(), name) != present.end()) return std::string(name);
    }
    return present.empty() ? std::string() : present.front();
  };
  headline.gc_estimator = prefer(estimators, {"exact"});
  headline.classifier = prefer(classifiers, {"linear_probe", "ncm"});
  headline.shots = shots.empty() ? "" : shots.count(5) ? "5" : std::to_string(*shots.rbegin());
  return headline;
}

RunMeasures measures_of(const json& record, const Headline& headline) {
  RunMeasures run;
  run.record = &record;
  run.index = record.value("index", std::size_t{0});
  run.variant = record.value("variant", std::string());
  run.seed = record.value("seed", std::int64_t{0});
  run.status = record.value("status", std::string("?"));
  run.swept = record.value("swept", json::object());
  run.seconds = record.value("seconds", 0.0);
  if (!headline.gc_estimator.empty()) run.source_gc = number_at(record, "/metrics/source/gc/" + headline.gc_estimator + "/value");
  run.source_nc = number_at(record, "/metrics/source/nc/cdnv");
  run.target_nc = number_at(record, "/metrics/target/nc/cdnv");
  if (!headline.classifier.empty()) {
    const std::string at = "/metrics/target/fewshot/" + headline.classifier + "/" + headline.shots;
    run.accuracy = number_at(record, at + "/mean");
    run.accuracy_ci95 = number_at(record, at + "/ci95");
  }
  return run;
}

std::vector<RunGroup> group_runs(const std::vector<json>& records, const Headline& headline) {
  std::vector<RunGroup> groups;
  for (const auto& record : records) {
    const auto run = measures_of(record, headline);
    auto group = std::find_if(groups.begin(), groups.end(), [&](const RunGroup& g) { return g.variant == run.variant; });
    if (group == groups.end()) {
      groups.push_back({run.variant, {}, "", {}});
      group = groups.end() - 1;
    }
    group->runs.push_back(run);
  }
  for (auto& group : groups) {
    std::map<std::string, std::vector<json>> distinct;
    for (const auto& run : group.runs) {
      for (const auto& [key, value] : run.swept.items()) {
        auto& values = distinct[key];
        if (std::find(values.begin(), values.end(), value) == values.end()) values.push_back(value);
      }
    }
    for (auto& [key, values] : distinct) {
      if (values.size() > group.colour_values.size()) {
        group.colour_key = key;
        std::sort(values.begin(), values.end(), json_less);
        group.colour_values = values;
      }
    }
  }
  return groups;
}

std::string value_label(const json& value) {
  if (value.is_number_float()) return fmt::format("{:g}", value.get<double>());
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

}  // namespace gcbench
