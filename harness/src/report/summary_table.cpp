#include "report/summary_table.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace gcbench {
using nlohmann::json;

namespace {

std::string number(const json& value, const char* format = "{:.4g}") {
  return value.is_number() ? fmt::format(fmt::runtime(format), value.get<double>()) : "-";
}

const json& at_path(const json& record, const std::string& pointer) {
  static const json missing;
  const json::json_pointer p(pointer);
  return record.contains(p) ? record[p] : missing;
}

}  // namespace

RunTable run_table(const std::vector<json>& records) {
  std::vector<std::string> swept, estimators;
  std::vector<std::pair<std::string, std::string>> fewshot;  // (classifier, shots)
  for (const auto& record : records) {
    for (const auto& [key, value] : at_path(record, "/swept").items()) {
      if (std::find(swept.begin(), swept.end(), key) == swept.end()) swept.push_back(key);
    }
    for (const auto& [name, value] : at_path(record, "/metrics/source/gc").items()) {
      if (std::find(estimators.begin(), estimators.end(), name) == estimators.end()) estimators.push_back(name);
    }
    for (const auto& [classifier, results] : at_path(record, "/metrics/target/fewshot").items()) {
      for (const auto& [k, value] : results.items()) {
        if (std::find(fewshot.begin(), fewshot.end(), std::pair(classifier, k)) == fewshot.end()) fewshot.emplace_back(classifier, k);
      }
    }
  }

  const bool has_variants = std::any_of(records.begin(), records.end(), [](const json& record) {
    return !record.value("variant", std::string()).empty();
  });
  std::vector<std::string> header;
  if (has_variants) header.push_back("variant");
  header.insert(header.end(), swept.begin(), swept.end());
  header.insert(header.end(), {"seed", "status"});
  for (const auto& name : estimators) header.push_back("GC " + name);
  header.insert(header.end(), {"src NC", "tgt NC", "src acc"});
  for (const auto& [classifier, k] : fewshot) header.push_back(k + "-shot " + classifier);
  header.push_back("time s");

  std::vector<std::vector<std::string>> rows;
  for (const auto& record : records) {
    std::vector<std::string> row;
    if (has_variants) row.push_back(record.value("variant", std::string()));
    for (const auto& key : swept) {
      const auto& value = at_path(record, "/swept/" + key);
      row.push_back(value.is_null() ? "-" : value.is_number() ? number(value) : value.dump());
    }
    row.push_back(std::to_string(record.value("seed", 0)));
    row.push_back(record.value("status", "?"));
    for (const auto& name : estimators) {
      const auto& gc = at_path(record, "/metrics/source/gc/" + name);
      std::string cell = number(gc.value("value", json()));
      if (gc.contains("standard_error") && gc["standard_error"].is_number()) cell += " ±" + number(gc["standard_error"], "{:.2g}");
      row.push_back(cell);
    }
    row.push_back(number(at_path(record, "/metrics/source/nc/cdnv")));
    row.push_back(number(at_path(record, "/metrics/target/nc/cdnv")));
    row.push_back(number(at_path(record, "/metrics/source/test_accuracy"), "{:.3f}"));
    for (const auto& [classifier, k] : fewshot) {
      const auto& acc = at_path(record, "/metrics/target/fewshot/" + classifier + "/" + k);
      row.push_back(acc.is_object() ? fmt::format("{:.3f} ±{:.3f}", acc.value("mean", 0.0), acc.value("ci95", 0.0)) : "-");
    }
    row.push_back(number(record.value("seconds", json()), "{:.1f}"));
    rows.push_back(std::move(row));
  }
  return {header, rows};
}

std::string summary_table(const std::vector<json>& records) {
  if (records.empty()) return "no runs\n";
  return format_text_table(run_table(records));
}

}  // namespace gcbench
