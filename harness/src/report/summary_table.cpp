#include "report/summary_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

namespace gcbench {
using nlohmann::json;

namespace {

std::string number(std::optional<double> value, const char* format = "{:.4g}") {
  return value ? fmt::format(fmt::runtime(format), *value) : "-";
}

template <class T>
void add_once(std::vector<T>& items, const T& item) {
  if (std::find(items.begin(), items.end(), item) == items.end()) items.push_back(item);
}

const TargetMetrics* target_of(const RunRecord& record) {
  return record.metrics && record.metrics->target ? &*record.metrics->target : nullptr;
}

}  // namespace

RunTable run_table(const std::vector<RunRecord>& records) {
  std::vector<std::string> swept, estimators;
  std::vector<std::pair<std::string, std::int64_t>> fewshot;  // (classifier, shots)
  for (const auto& record : records) {
    for (const auto& [key, value] : record.swept.items()) add_once(swept, key);
    if (record.metrics) {
      for (const auto& [name, gc] : record.metrics->source.gc) add_once(estimators, name);
    }
    if (const auto* target = target_of(record)) {
      for (const auto& [classifier, results] : target->fewshot) {
        for (const auto& [k, result] : results) add_once(fewshot, std::pair(classifier, k));
      }
    }
  }

  const bool has_variants = std::any_of(records.begin(), records.end(), [](const RunRecord& r) { return !r.variant.empty(); });
  std::vector<std::string> header;
  if (has_variants) header.push_back("variant");
  header.insert(header.end(), swept.begin(), swept.end());
  header.insert(header.end(), {"seed", "status"});
  for (const auto& name : estimators) header.push_back("GC " + name);
  header.insert(header.end(), {"src NC", "tgt NC", "src acc"});
  for (const auto& [classifier, k] : fewshot) header.push_back(fmt::format("{}-shot {}", k, classifier));
  header.push_back("time s");

  std::vector<std::vector<std::string>> rows;
  for (const auto& record : records) {
    std::vector<std::string> row;
    if (has_variants) row.push_back(record.variant);
    for (const auto& key : swept) {
      const auto value = record.swept.find(key);
      row.push_back(value == record.swept.end() || value->is_null() ? "-"
                    : value->is_number()                            ? number(value->get<double>())
                                                                    : value->dump());
    }
    row.push_back(std::to_string(record.seed));
    row.push_back(to_string(record.status));
    const SourceMetrics* source = record.metrics ? &record.metrics->source : nullptr;
    for (const auto& name : estimators) {
      const auto gc = source ? source->gc.find(name) : std::map<std::string, GcMeasurement>::const_iterator{};
      if (!source || gc == source->gc.end()) {
        row.push_back("-");
        continue;
      }
      std::string cell = number(gc->second.value);
      if (gc->second.standard_error) cell += " ±" + number(gc->second.standard_error, "{:.2g}");
      row.push_back(cell);
    }
    const TargetMetrics* target = target_of(record);
    row.push_back(number(source && source->nc ? std::optional(source->nc->cdnv) : std::nullopt));
    row.push_back(number(target && target->nc ? std::optional(target->nc->cdnv) : std::nullopt));
    row.push_back(number(source ? source->test_accuracy : std::nullopt, "{:.3f}"));
    for (const auto& [classifier, k] : fewshot) {
      std::string cell = "-";
      if (target) {
        const auto by_shots = target->fewshot.find(classifier);
        if (by_shots != target->fewshot.end()) {
          const auto result = by_shots->second.find(k);
          if (result != by_shots->second.end()) cell = fmt::format("{:.3f} ±{:.3f}", result->second.mean, result->second.ci95);
        }
      }
      row.push_back(cell);
    }
    row.push_back(number(record.seconds, "{:.1f}"));
    rows.push_back(std::move(row));
  }
  return {header, rows};
}

std::string summary_table(const std::vector<RunRecord>& records) {
  if (records.empty()) return "no runs\n";
  return format_text_table(run_table(records));
}

}  // namespace gcbench
