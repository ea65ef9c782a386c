#include "compare/compare_benchmarks.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <map>
#include <set>

#include "stats/rank_tests.hpp"

namespace gcbench {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Benchmark {
  std::vector<double> seconds;  // one per repetition
  std::string error;            // Google Benchmark's error_message, when one repetition failed
};

struct BenchFile {
  json context;
  std::vector<std::string> order;
  std::map<std::string, Benchmark> benchmarks;
};

double seconds_per_unit(const std::string& unit, const fs::path& file) {
  if (unit == "ns") return 1e-9;
  if (unit == "us") return 1e-6;
  if (unit == "ms") return 1e-3;
  if (unit == "s") return 1.0;
  throw CannotCompare(fmt::format("{}: unknown time_unit '{}'", file.string(), unit));
}

BenchFile read_bench_file(const fs::path& file, const std::string& statistic, const char* which) {
  std::ifstream in(file);
  if (!in) throw CannotCompare(fmt::format("the {} file {} cannot be opened", which, file.string()));
  json doc;
  try {
    doc = json::parse(in);
  } catch (const json::exception& error) {
    throw CannotCompare(fmt::format("the {} file {} is not JSON: {}", which, file.string(), error.what()));
  }
  if (!doc.is_object() || !doc.contains("benchmarks") || !doc["benchmarks"].is_array() || !doc.contains("context")) {
    throw CannotCompare(fmt::format("the {} file {} is not Google Benchmark JSON (no 'context' and 'benchmarks'); "
                                    "write one with `gcbench bench --json FILE`",
                                    which, file.string()));
  }
  BenchFile out{doc["context"], {}, {}};
  for (const auto& entry : doc["benchmarks"]) {
    if (!entry.is_object() || entry.value("run_type", "iteration") != "iteration") continue;
    const std::string name = entry.value("run_name", entry.value("name", ""));
    if (name.empty()) throw CannotCompare(fmt::format("{}: a benchmark entry has no name", file.string()));
    if (!out.benchmarks.count(name)) out.order.push_back(name);
    auto& benchmark = out.benchmarks[name];
    if (entry.value("error_occurred", false)) {
      benchmark.error = entry.value("error_message", "failed");
      continue;
    }
    if (!entry.contains(statistic) || !entry[statistic].is_number()) {
      throw CannotCompare(fmt::format("{}: benchmark '{}' has no number '{}'", file.string(), name, statistic));
    }
    benchmark.seconds.push_back(entry[statistic].get<double>() * seconds_per_unit(entry.value("time_unit", "ns"), file));
  }
  return out;
}

std::string context_text(const json& context, const char* key) {
  return context.contains(key) ? (context[key].is_string() ? context[key].get<std::string>() : context[key].dump()) : "?";
}

// The smallest two-sided p the exact test can give with n and m repetitions: 2 / C(n + m, n).
double smallest_p(std::size_t n, std::size_t m) {
  double arrangements = 1;
  for (std::size_t i = 1; i <= n; ++i) arrangements = arrangements * static_cast<double>(m + i) / static_cast<double>(i);
  return std::min(1.0, 2.0 / arrangements);
}

}  // namespace

Comparison compare_benchmarks(const fs::path& baseline_file, const fs::path& contender_file, const Thresholds& t) {
  const auto statistic = t.benchmark_statistic;
  const BenchFile baseline = read_bench_file(baseline_file, statistic, "baseline");
  const BenchFile contender = read_bench_file(contender_file, statistic, "contender");
  Comparison out{"benchmarks", baseline_file.string(), contender_file.string(), {}, {}};
  out.notes.push_back(fmt::format("revisions: baseline {}, contender {}", context_text(baseline.context, "git_revision"),
                                  context_text(contender.context, "git_revision")));
  for (const char* key : {"cpu_model", "threads", "host_name", "libtorch_version", "blas"}) {
    const auto a = context_text(baseline.context, key), b = context_text(contender.context, key);
    if (a != b) out.notes.push_back(fmt::format("{} differs: baseline {}, contender {}", key, a, b));
  }
  out.notes.push_back(fmt::format("a benchmark regresses when its median {} grows by more than benchmark.relative = "
                                  "{:+.0f}% and the Mann-Whitney U test over repetitions gives p < {:g}",
                                  statistic, 100 * t.benchmark_relative, t.alpha));

  for (const auto& name : baseline.order) {
    const auto& base = baseline.benchmarks.at(name);
    const auto other = contender.benchmarks.find(name);
    const std::string metric = statistic + " (s)";
    if (other == contender.benchmarks.end()) {
      out.findings.push_back({Verdict::only_in_baseline, name, metric, median(base.seconds), std::nullopt, std::nullopt, "", ""});
      continue;
    }
    const auto& cont = other->second;
    if (!cont.error.empty() || !base.error.empty()) {
      const bool worse = !cont.error.empty() && base.error.empty();
      out.findings.push_back({worse ? Verdict::regressed : cont.error.empty() ? Verdict::improved : Verdict::unchanged, name,
                              "error", std::nullopt, std::nullopt, std::nullopt, "error",
                              fmt::format("baseline: {}; contender: {}", base.error.empty() ? "ran" : base.error,
                                          cont.error.empty() ? "ran" : cont.error)});
      continue;
    }
    Finding f{Verdict::unchanged, name, metric, median(base.seconds), median(cont.seconds), std::nullopt, "mann-whitney u", ""};
    const auto test = mann_whitney_u(cont.seconds, base.seconds);
    f.p_value = test.p_value;
    f.note = fmt::format("{} vs {} repetitions", base.seconds.size(), cont.seconds.size());
    if (smallest_p(base.seconds.size(), cont.seconds.size()) >= t.alpha) {
      f.note += fmt::format("; too few for p < {:g} (run gcbench bench --repetitions 5 or more)", t.alpha);
    }
    const auto relative = f.relative();
    if (relative && test.p_value < t.alpha && *relative > t.benchmark_relative) f.verdict = Verdict::regressed;
    if (relative && test.p_value < t.alpha && *relative < -t.benchmark_relative) f.verdict = Verdict::improved;
    out.findings.push_back(std::move(f));
  }
  for (const auto& name : contender.order) {
    if (!baseline.benchmarks.count(name)) {
      const auto& cont = contender.benchmarks.at(name);
      out.findings.push_back({Verdict::only_in_contender, name, statistic + " (s)", std::nullopt,
                              cont.seconds.empty() ? std::nullopt : std::optional<double>(median(cont.seconds)),
                              std::nullopt, "", ""});
    }
  }
  if (out.findings.empty()) throw CannotCompare("neither file holds a benchmark");
  return out;
}

}  // namespace gcbench
