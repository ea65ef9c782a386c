#include "record/bench_file.hpp"

#include <fmt/format.h>

#include "util/text_file.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace gcbench {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Google Benchmark's rows: one per repetition of a case, in seconds.
void read_rows(const json& rows, const fs::path& file, std::vector<std::string>& order,
               std::map<std::string, BenchRepetitions>& benchmarks) {
  if (!rows.is_array()) throw std::runtime_error(fmt::format("{}: 'benchmarks' is not a list", file.string()));
  const std::map<std::string, double> seconds_per = {{"ns", 1e-9}, {"us", 1e-6}, {"ms", 1e-3}, {"s", 1.0}};
  for (const auto& entry : rows) {
    if (!entry.is_object() || entry.value("run_type", "iteration") != "iteration") continue;
    const std::string name = entry.value("run_name", entry.value("name", ""));
    if (name.empty()) throw std::runtime_error(fmt::format("{}: a benchmark entry has no name", file.string()));
    if (!benchmarks.count(name)) order.push_back(name);
    auto& repetitions = benchmarks[name];
    if (entry.value("error_occurred", false)) {
      repetitions.error = entry.value("error_message", "failed");
      continue;
    }
    const auto unit = seconds_per.find(entry.value("time_unit", "ns"));
    if (unit == seconds_per.end()) {
      throw std::runtime_error(fmt::format("{}: benchmark '{}' has an unknown time_unit", file.string(), name));
    }
    for (const auto& [statistic, values] :
         {std::pair{"real_time", &repetitions.real_time}, std::pair{"cpu_time", &repetitions.cpu_time}}) {
      if (!entry.contains(statistic) || !entry[statistic].is_number()) {
        throw std::runtime_error(fmt::format("{}: benchmark '{}' has no number '{}'", file.string(), name, statistic));
      }
      values->push_back(entry[statistic].get<double>() * unit->second);
    }
    if (entry.contains("instructions")) {
      if (!entry["instructions"].is_number()) {
        throw std::runtime_error(fmt::format("{}: benchmark '{}' has a non-number 'instructions'", file.string(), name));
      }
      repetitions.instructions.push_back(entry["instructions"].get<double>());
    }
  }
}

PairedBaseline read_paired(const json& paired, const fs::path& file, const BenchFile& contender) {
  const auto bad = [&](const std::string& what) {
    return std::runtime_error(
        fmt::format("{}: its '{}' part {}; write a paired file with `gcbench bench --against OTHER "
                    "--json FILE`",
                    file.string(), kPairedKey, what));
  };
  if (!paired.is_object() || !paired.contains("format") || !paired["format"].is_number_integer()) {
    throw bad("has no integer 'format'");
  }
  if (const int format = paired["format"].get<int>(); format > kPairedFormat) {
    throw std::runtime_error(
        fmt::format("{} is a paired bench file of format {}, newer than this gcbench reads ({}); "
                    "compare it with the gcbench that wrote it",
                    file.string(), format, kPairedFormat));
  }
  PairedBaseline out;
  if (!paired.contains("baseline") || !paired["baseline"].is_object()) throw bad("has no 'baseline'");
  const auto& baseline = paired["baseline"];
  out.binary = baseline.value("binary", "");
  out.context = baseline.value("context", json::object());
  std::vector<std::string> order;
  read_rows(baseline.value("benchmarks", json::array()), file, order, out.benchmarks);
  if (!paired.contains("first") || !paired["first"].is_array()) throw bad("has no 'first' (which side ran first in each round)");
  for (const auto& side : paired["first"]) {
    if (!side.is_string() || (side != "baseline" && side != "contender")) throw bad("'first' holds other than sides");
    out.first.push_back(side.get<std::string>());
  }
  using Cases = std::map<std::string, BenchRepetitions>;
  for (const Cases* side : std::initializer_list<const Cases*>{&out.benchmarks, &contender.benchmarks}) {
    for (const auto& [name, repetitions] : *side) {
      if (repetitions.error.empty() && repetitions.real_time.size() != out.first.size()) {
        throw bad(
            fmt::format("has {} rounds, but '{}' has {} on one side", out.first.size(), name, repetitions.real_time.size()));
      }
    }
  }
  return out;
}

}  // namespace

BenchFile read_bench_file(const fs::path& file) {
  BenchFile out;
  out.content = read_text_file(file);
  json doc;
  try {
    doc = json::parse(out.content);
  } catch (const json::exception& error) {
    throw std::runtime_error(fmt::format("{} is not JSON: {}", file.string(), error.what()));
  }
  if (!doc.is_object() || !doc.contains("benchmarks") || !doc["benchmarks"].is_array() || !doc.contains("context")) {
    throw std::runtime_error(
        fmt::format("{} is not Google Benchmark JSON (no 'context' and 'benchmarks'); write one with "
                    "`gcbench bench --json FILE`",
                    file.string()));
  }
  out.context = doc["context"];
  out.counts_instructions = out.context.is_object() && out.context.contains("gcbench_instructions");
  read_rows(doc["benchmarks"], file, out.order, out.benchmarks);
  if (doc.contains(kPairedKey)) out.paired = read_paired(doc[kPairedKey], file, out);
  return out;
}

std::string context_value(const json& context, const char* key) {
  if (!context.is_object() || !context.contains(key)) return "?";
  return context[key].is_string() ? context[key].get<std::string>() : context[key].dump();
}

bool ends_with_real_time(std::string_view name) {
  return name.size() > kRealTimeSuffix.size() && name.substr(name.size() - kRealTimeSuffix.size()) == kRealTimeSuffix;
}

std::string case_name(const std::string& run_name) {
  return ends_with_real_time(run_name) ? run_name.substr(0, run_name.size() - kRealTimeSuffix.size()) : run_name;
}

bool is_calibration_case(const std::string& name) { return name.rfind("calibration/", 0) == 0; }

std::optional<double> calibration_seconds(const BenchFile& bench) {
  double log_sum = 0;
  int cases = 0;
  for (const auto& [name, repetitions] : bench.benchmarks) {
    if (!is_calibration_case(name) || repetitions.real_time.empty()) continue;
    auto times = repetitions.real_time;
    std::sort(times.begin(), times.end());
    const std::size_t mid = times.size() / 2;
    const double median = times.size() % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
    if (!(median > 0)) continue;
    log_sum += std::log(median);
    ++cases;
  }
  if (cases == 0) return std::nullopt;
  return std::exp(log_sum / cases);
}

}  // namespace gcbench
