#include "compare/thresholds.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <functional>
#include <map>
#include <regex>
#include <stdexcept>

namespace gcbench {
namespace {

using Setter = std::function<void(const toml::node&, const std::string& key)>;

Setter number(double& target, double low, double high) {
  return [&target, low, high](const toml::node& node, const std::string& key) {
    const auto value = node.value<double>();
    if (!value) throw std::runtime_error(fmt::format("'{}' must be a number", key));
    if (*value < low || *value > high) {
      throw std::runtime_error(fmt::format("'{}' = {} is out of range [{}, {}]", key, *value, low, high));
    }
    target = *value;
  };
}

// [benchmark.paired_relative_for]: a table of case-name regex -> threshold.
void read_paired_relative_for(const toml::table& table, std::vector<CaseThreshold>& out) {
  for (const auto& [name, node] : table) {
    CaseThreshold entry;
    entry.pattern = std::string(name.str());
    const std::string key = fmt::format("benchmark.paired_relative_for.\"{}\"", entry.pattern);
    try {
      entry.regex = std::regex(entry.pattern);
    } catch (const std::regex_error& error) {
      throw std::runtime_error(
          fmt::format("'{}': not a regular expression (ECMAScript's, as C++'s std::regex reads them: {})", key, error.what()));
    }
    number(entry.relative, 0, 1e9)(node, key);
    out.push_back(std::move(entry));
  }
}

}  // namespace

double Thresholds::paired_relative_of(const std::string& name) const {
  double threshold = benchmark_paired_relative;
  bool matched = false;
  for (const auto& entry : benchmark_paired_relative_for) {
    if (!std::regex_search(name, entry.regex)) continue;
    threshold = matched ? std::min(threshold, entry.relative) : entry.relative;
    matched = true;
  }
  return threshold;
}

Thresholds read_thresholds(const std::filesystem::path& file) {
  Thresholds t;
  const std::map<std::string, Setter> keys = {
      {"alpha", number(t.alpha, 1e-12, 0.5)},
      {"accuracy.absolute", number(t.accuracy_absolute, 0, 1)},
      {"gc.relative", number(t.gc_relative, 0, 1e9)},
      {"nc.relative", number(t.nc_relative, 0, 1e9)},
      {"time.relative", number(t.time_relative, 0, 1e9)},
      {"time.min_seconds", number(t.time_min_seconds, 0, 1e9)},
      {"benchmark.relative", number(t.benchmark_relative, 0, 1e9)},
      {"benchmark.paired_relative", number(t.benchmark_paired_relative, 0, 1e9)},
      {"benchmark.instructions_relative", number(t.benchmark_instructions_relative, 0, 1e9)},
      {"benchmark.statistic",
       [&t](const toml::node& node, const std::string& key) {
         const auto value = node.value<std::string>();
         if (!value || (*value != "real_time" && *value != "cpu_time")) {
           throw std::runtime_error(fmt::format("'{}' must be \"real_time\" or \"cpu_time\"", key));
         }
         t.benchmark_statistic = *value;
       }},
      {"across_machines.alpha", number(t.across_machines_alpha, 1e-12, 0.5)},
      {"runs.missing_is_regression",
       [&t](const toml::node& node, const std::string& key) {
         const auto value = node.value<bool>();
         if (!value || !node.is_boolean()) throw std::runtime_error(fmt::format("'{}' must be true or false", key));
         t.missing_is_regression = *value;
       }},
  };
  try {
    const auto table = toml::parse_file(file.string());
    const std::function<void(const toml::table&, const std::string&)> walk = [&](const toml::table& at,
                                                                                 const std::string& prefix) {
      for (const auto& [name, node] : at) {
        const std::string key = prefix + std::string(name.str());
        if (const auto* inner = node.as_table()) {
          if (key == "benchmark.paired_relative_for") {
            read_paired_relative_for(*inner, t.benchmark_paired_relative_for);
          } else {
            walk(*inner, key + ".");
          }
          continue;
        }
        if (key == "benchmark.paired_relative_for") {
          throw std::runtime_error(
              fmt::format("'{}' must be a table of case-name patterns, each with its threshold, e.g.\n"
                          "  [benchmark.paired_relative_for]\n  \"^train_step/conv4$\" = 0.005",
                          key));
        }
        const auto setter = keys.find(key);
        if (setter == keys.end()) {
          std::string known;
          for (const auto& [k, s] : keys) known += (known.empty() ? "" : ", ") + k;
          known += ", benchmark.paired_relative_for (a table)";
          throw std::runtime_error(fmt::format("unknown key '{}'; the keys are {}", key, known));
        }
        setter->second(node, key);
      }
    };
    walk(table, "");
  } catch (const toml::parse_error& error) {
    throw std::runtime_error(
        fmt::format("thresholds file {}:{}: {}", file.string(), error.source().begin.line, error.description()));
  } catch (const std::runtime_error& error) {
    throw std::runtime_error(fmt::format("thresholds file {}: {}", file.string(), error.what()));
  }
  return t;
}

}  // namespace gcbench
