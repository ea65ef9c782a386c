#include "compare/compare_paired_benchmarks.hpp"

#include <fmt/format.h>

#include <cmath>

#include "compare/compare_benchmarks.hpp"
#include "record/bench_file.hpp"
#include "stats/hodges_lehmann.hpp"
#include "stats/rank_tests.hpp"

namespace gcbench {
namespace fs = std::filesystem;

namespace {

constexpr double kConfidence = 0.95;

}  // namespace

Comparison compare_paired_benchmarks(const fs::path& file, const Thresholds& t) {
  const auto not_paired = [&] {
    return CannotCompare(
        fmt::format("{} alone: give a paired bench file (`gcbench bench --against OTHER --json FILE`), "
                    "or a baseline and a contender",
                    file.string()));
  };
  if (fs::is_directory(file)) throw not_paired();
  BenchFile bench;
  try {
    bench = read_bench_file(file);
  } catch (const std::runtime_error& error) {
    throw CannotCompare(error.what());
  }
  if (!bench.paired) throw not_paired();
  const PairedBaseline& baseline = *bench.paired;
  const std::size_t rounds = baseline.first.size();
  Comparison out{"paired benchmarks",
                 fmt::format("{} (baseline side)", file.string()),
                 fmt::format("{} (contender side)", file.string()),
                 {},
                 {}};
  out.notes.push_back(fmt::format("revisions: baseline {} ({}), contender {}", context_value(baseline.context, "git_revision"),
                                  baseline.binary, context_value(bench.context, "git_revision")));
  for (const char* key : {"cpu_model", "threads", "libtorch_version", "blas", "compiler"}) {
    const auto a = context_value(baseline.context, key), b = context_value(bench.context, key);
    if (a != b) out.notes.push_back(fmt::format("{} differs: baseline {}, contender {}", key, a, b));
  }
  const auto statistic = t.benchmark_statistic;
  out.notes.push_back(fmt::format(
      "{} rounds, each side in its own process, the first side alternating (ABBA); a benchmark regresses when the {:g}% "
      "interval of its {} ratio contender/baseline (Hodges-Lehmann, from the signed-rank test on the rounds' log-ratios) "
      "lies wholly above 1 + benchmark.paired_relative = {:.3f}",
      rounds, 100 * kConfidence, statistic, 1 + t.benchmark_paired_relative));
  for (const auto& entry : t.benchmark_paired_relative_for) {
    out.notes.push_back(
        fmt::format("cases matching '{}': 1 + {:.3f} (benchmark.paired_relative_for)", entry.pattern, entry.relative));
  }
  if (rounds < 6) {
    out.notes.push_back(
        fmt::format("{} rounds cannot give a 95% interval (6 can): run bench --against with --rounds 10", rounds));
  }

  for (const auto& name : bench.order) {
    const auto& cont = bench.benchmarks.at(name);
    const auto base = baseline.benchmarks.find(name);
    const std::string metric = statistic + " ratio";
    if (base == baseline.benchmarks.end()) {
      out.findings.push_back({Verdict::only_in_contender, name, metric, std::nullopt, std::nullopt, std::nullopt, "", ""});
      continue;
    }
    if (auto failed = failure_finding(name, base->second, cont)) {
      out.findings.push_back(std::move(*failed));
      continue;
    }
    const auto& a = base->second.times(statistic);
    const auto& b = cont.times(statistic);
    std::vector<double> log_ratios;
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
      if (a[i] > 0 && b[i] > 0) log_ratios.push_back(std::log(b[i] / a[i]));
    }
    Finding f{Verdict::unchanged, name, metric, median(a), median(b), std::nullopt, "paired wilcoxon signed-rank", ""};
    if (log_ratios.empty()) {
      f.note = "no round with a positive time on both sides";
      out.findings.push_back(std::move(f));
      continue;
    }
    const auto shift = hodges_lehmann(log_ratios, kConfidence);
    f.p_value = wilcoxon_signed_rank(log_ratios).p_value;
    const RatioInterval ratio{std::exp(shift.estimate), std::exp(shift.low), std::exp(shift.high)};
    f.ratio = ratio;
    f.note =
        fmt::format("ratio {:.4f} [{:.4f}, {:.4f}] over {} rounds", ratio.estimate, ratio.low, ratio.high, log_ratios.size());
    if (shift.coverage < kConfidence) f.note += fmt::format(" (the interval covers {:.1f}%)", 100 * shift.coverage);
    if (is_calibration_case(name)) {
      f.note += "; calibration: the same kernels on both sides, so a ratio off 1 is the pairing's own noise";
    } else if (const double threshold = t.paired_relative_of(name); ratio.low > 1 + threshold) {
      f.verdict = Verdict::regressed;
    } else if (ratio.high < 1 / (1 + threshold)) {
      f.verdict = Verdict::improved;
    }
    out.findings.push_back(std::move(f));
  }
  for (const auto& [name, repetitions] : baseline.benchmarks) {
    if (!bench.benchmarks.count(name)) {
      out.findings.push_back(
          {Verdict::only_in_baseline, name, statistic + " ratio", std::nullopt, std::nullopt, std::nullopt, "", ""});
    }
  }
  if (out.findings.empty()) throw CannotCompare(fmt::format("{} holds no benchmark", file.string()));
  return out;
}

}  // namespace gcbench
