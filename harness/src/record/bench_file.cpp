#include "record/bench_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace gcbench {
namespace fs = std::filesystem;
using nlohmann::json;

BenchFile read_bench_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("{} cannot be opened", file.string()));
  std::stringstream content;
  content << in.rdbuf();
  BenchFile out;
  out.content = content.str();
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
  const std::map<std::string, double> seconds_per = {{"ns", 1e-9}, {"us", 1e-6}, {"ms", 1e-3}, {"s", 1.0}};
  for (const auto& entry : doc["benchmarks"]) {
    if (!entry.is_object() || entry.value("run_type", "iteration") != "iteration") continue;
    const std::string name = entry.value("run_name", entry.value("name", ""));
    if (name.empty()) throw std::runtime_error(fmt::format("{}: a benchmark entry has no name", file.string()));
    if (!out.benchmarks.count(name)) out.order.push_back(name);
    auto& repetitions = out.benchmarks[name];
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
  }
  return out;
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
