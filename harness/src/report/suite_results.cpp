#include "report/suite_results.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include "record/results_folder.hpp"

namespace gcbench {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

bool json_less(const json& a, const json& b) {
  if (a.is_number() && b.is_number()) return a.get<double>() < b.get<double>();
  return a.dump() < b.dump();
}

template <class T>
void add_once(std::vector<T>& names, const T& name) {
  if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
}

}  // namespace

SuiteResults load_suite_results(const fs::path& path) {
  const ResultsFolder folder = ResultsFolder::open(path);
  SuiteResults results;
  results.folder = folder.path();
  results.warnings = folder.notes();
  RecordList read = folder.read_records();
  if (!read.problems.empty()) {
    throw std::runtime_error(read.problems.front() + "; the file was edited or damaged");
  }
  if (read.torn_last_line > 0) {
    results.warnings.push_back(
        fmt::format("{}:{}: skipped a truncated last record", folder.records_file().string(), read.torn_last_line));
  }
  results.records = std::move(read.records);
  if (results.records.empty()) throw std::runtime_error(fmt::format("{} holds no records yet", folder.records_file().string()));
  if (const auto plan = folder.read_plan()) {
    std::set<std::size_t> recorded;
    for (const auto& record : results.records) recorded.insert(record.index);
    for (const auto& run : *plan) {
      const auto index = run.value("index", std::size_t{0});
      if (!recorded.count(index)) results.not_run.push_back(run);
    }
  }
  return results;
}

Headline choose_headline(const std::vector<RunRecord>& records) {
  Headline headline;
  std::vector<std::string> estimators, classifiers;
  std::set<std::int64_t> shots;
  for (const auto& record : records) {
    if (!record.metrics) continue;
    for (const auto& [name, gc] : record.metrics->source.gc) add_once(estimators, name);
    if (!record.metrics->target) continue;
    for (const auto& [name, by_shots] : record.metrics->target->fewshot) {
      add_once(classifiers, name);
      for (const auto& [k, result] : by_shots) shots.insert(k);
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
  headline.shots = shots.empty() ? 0 : shots.count(5) ? 5 : *shots.rbegin();
  return headline;
}

std::string split_of(const RunRecord& record) {
  const auto options = record.config.find("dataset") != record.config.end() && record.config["dataset"].contains("options")
                           ? record.config["dataset"]["options"]
                           : nlohmann::json::object();
  if (options.contains("split_seed") && options["split_seed"].is_number_integer() &&
      options["split_seed"].get<std::int64_t>() >= 0) {
    return "split_seed=" + options["split_seed"].dump();
  }
  if (record.classes) return "source: " + fmt::format("{}", fmt::join(record.classes->source, ", "));
  return "";
}

RunMeasures measures_of(const RunRecord& record, const Headline& headline) {
  RunMeasures run;
  run.record = &record;
  run.index = record.index;
  run.variant = record.variant;
  run.seed = record.seed;
  run.status = record.status;
  run.swept = record.swept;
  run.seconds = record.seconds;
  run.split = split_of(record);
  if (!record.metrics) return run;
  const auto& source = record.metrics->source;
  if (const auto gc = source.gc.find(headline.gc_estimator); gc != source.gc.end()) run.source_gc = gc->second.value;
  if (source.nc) run.source_nc = source.nc->cdnv;
  run.train_accuracy = source.train_accuracy;
  if (!record.metrics->target) return run;
  const auto& target = *record.metrics->target;
  if (target.nc) run.target_nc = target.nc->cdnv;
  if (const auto by_shots = target.fewshot.find(headline.classifier); by_shots != target.fewshot.end()) {
    if (const auto result = by_shots->second.find(headline.shots); result != by_shots->second.end()) {
      run.accuracy = result->second.mean;
      run.accuracy_ci95 = result->second.ci95;
    }
  }
  return run;
}

std::vector<RunGroup> group_runs(const std::vector<RunRecord>& records, const Headline& headline) {
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
      for (const auto& [key, value] : run.swept.items()) add_once(distinct[key], value);
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
