#include "compare/compare_benchmarks.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <map>
#include <set>

#include "record/bench_file.hpp"
#include "stats/rank_tests.hpp"

namespace gcbench {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The file, or CannotCompare saying which side could not be read and why.
BenchFile read_side(const fs::path& file, const char* which) {
  try {
    return read_bench_file(file);
  } catch (const std::runtime_error& error) {
    throw CannotCompare(fmt::format("the {} file: {}", which, error.what()));
  }
}

// The smallest two-sided p the exact test can give with n and m repetitions: 2 / C(n + m, n).
double smallest_p(std::size_t n, std::size_t m) {
  double arrangements = 1;
  for (std::size_t i = 1; i <= n; ++i) arrangements = arrangements * static_cast<double>(m + i) / static_cast<double>(i);
  return std::min(1.0, 2.0 / arrangements);
}

// Instruction counts repeat on one binary and input: a threshold, no test. (Count files hold no
// calibration cases, and a timed file has no counts to compare: the two are never mixed.)
Finding instruction_finding(const std::string& name, const BenchRepetitions& base, const BenchRepetitions& cont,
                            const Thresholds& t) {
  Finding f{Verdict::unchanged, name,         "instructions", std::nullopt,
            std::nullopt,       std::nullopt, "count",        "callgrind Ir per iteration"};
  if (base.instructions.empty() || cont.instructions.empty()) {
    f.note = "no count on one side (the case did not run under callgrind)";
    return f;
  }
  f.baseline = median(base.instructions);
  f.contender = median(cont.instructions);
  const auto relative = f.relative();
  if (relative && *relative > t.benchmark_instructions_relative) {
    f.verdict = Verdict::regressed;
  } else if (relative && *relative < -t.benchmark_instructions_relative) {
    f.verdict = Verdict::improved;
  }
  return f;
}

}  // namespace

std::optional<Finding> failure_finding(const std::string& name, const BenchRepetitions& base, const BenchRepetitions& cont) {
  if (cont.error.empty() && base.error.empty()) return std::nullopt;
  const bool worse = !cont.error.empty() && base.error.empty();
  return Finding{worse                ? Verdict::regressed
                 : cont.error.empty() ? Verdict::improved
                                      : Verdict::unchanged,
                 name,
                 "error",
                 std::nullopt,
                 std::nullopt,
                 std::nullopt,
                 "error",
                 fmt::format("baseline: {}; contender: {}", base.error.empty() ? "ran" : base.error,
                             cont.error.empty() ? "ran" : cont.error)};
}

Comparison compare_benchmarks(const fs::path& baseline_file, const fs::path& contender_file, const Thresholds& t) {
  const auto statistic = t.benchmark_statistic;
  const BenchFile baseline = read_side(baseline_file, "baseline");
  const BenchFile contender = read_side(contender_file, "contender");
  if (baseline.counts_instructions != contender.counts_instructions) {
    throw CannotCompare(fmt::format("{} counts instructions (bench --instructions) and {} times cases: give two of a kind",
                                    (baseline.counts_instructions ? baseline_file : contender_file).string(),
                                    (baseline.counts_instructions ? contender_file : baseline_file).string()));
  }
  Comparison out{"benchmarks", baseline_file.string(), contender_file.string(), {}, {}};
  out.notes.push_back(fmt::format("revisions: baseline {}, contender {}", context_value(baseline.context, "git_revision"),
                                  context_value(contender.context, "git_revision")));
  for (const char* key :
       {"cpu_model", "threads", "host_name", "libtorch_version", "blas", "cpu_isa", "math_libraries", "thread_environment"}) {
    const auto a = context_value(baseline.context, key), b = context_value(contender.context, key);
    // "?": an older gcbench's file, which did not say (the last three keys).
    if (a != b && a != "?" && b != "?") out.notes.push_back(fmt::format("{} differs: baseline {}, contender {}", key, a, b));
  }
  if (const auto a = calibration_seconds(baseline), b = calibration_seconds(contender); a && b) {
    out.notes.push_back(
        fmt::format("calibration (LibTorch's GEMM and convolution alone): the contender's session ran "
                    "them {:+.1f}% against the baseline's; that much of every time is the machine's",
                    100 * (*b / *a - 1)));
  }
  if (baseline.counts_instructions) {
    out.notes.push_back(
        fmt::format("instruction counts (callgrind): a benchmark regresses when its count grows by more than "
                    "benchmark.instructions_relative = {:+.1f}%; times under valgrind are not judged",
                    100 * t.benchmark_instructions_relative));
  } else {
    out.notes.push_back(
        fmt::format("a benchmark regresses when its median {} grows by more than benchmark.relative = "
                    "{:+.0f}% and the Mann-Whitney U test over repetitions gives p < {:g}",
                    statistic, 100 * t.benchmark_relative, t.alpha));
  }

  for (const auto& name : baseline.order) {
    const auto& base = baseline.benchmarks.at(name);
    const auto other = contender.benchmarks.find(name);
    const std::string metric = statistic + " (s)";
    if (other == contender.benchmarks.end()) {
      out.findings.push_back(
          {Verdict::only_in_baseline, name, metric, median(base.times(statistic)), std::nullopt, std::nullopt, "", ""});
      continue;
    }
    const auto& cont = other->second;
    if (auto failed = failure_finding(name, base, cont)) {
      out.findings.push_back(std::move(*failed));
      continue;
    }
    if (baseline.counts_instructions) {
      out.findings.push_back(instruction_finding(name, base, cont, t));
      continue;
    }
    const auto& base_seconds = base.times(statistic);
    const auto& cont_seconds = cont.times(statistic);
    Finding f{Verdict::unchanged, name, metric, median(base_seconds), median(cont_seconds), std::nullopt, "mann-whitney u", ""};
    const auto test = mann_whitney_u(cont_seconds, base_seconds);
    f.p_value = test.p_value;
    f.note = fmt::format("{} vs {} repetitions", base_seconds.size(), cont_seconds.size());
    if (smallest_p(base_seconds.size(), cont_seconds.size()) >= t.alpha) {
      f.note += fmt::format("; too few for p < {:g} (run gcbench bench --repetitions 5 or more)", t.alpha);
    }
    const auto relative = f.relative();
    if (is_calibration_case(name)) {
      f.note += "; calibration: measures the machine, never judged";
    } else if (relative && test.p_value < t.alpha) {
      if (*relative > t.benchmark_relative) f.verdict = Verdict::regressed;
      if (*relative < -t.benchmark_relative) f.verdict = Verdict::improved;
    }
    out.findings.push_back(std::move(f));
  }
  for (const auto& name : contender.order) {
    if (!baseline.benchmarks.count(name)) {
      const auto& cont = contender.benchmarks.at(name);
      const auto& cont_seconds = cont.times(statistic);
      out.findings.push_back({Verdict::only_in_contender, name, statistic + " (s)", std::nullopt,
                              cont_seconds.empty() ? std::nullopt : std::optional<double>(median(cont_seconds)), std::nullopt, "",
                              ""});
    }
  }
  if (out.findings.empty()) throw CannotCompare("neither file holds a benchmark");
  return out;
}

}  // namespace gcbench
