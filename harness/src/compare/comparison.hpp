// What `gcbench compare` found: one finding per metric of each run (or per
// benchmark), each with its verdict, and the exit code they add up to.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace gcbench {

enum class Verdict { regressed, improved, unchanged, only_in_baseline, only_in_contender };
std::string to_string(Verdict verdict);

// A ratio contender/baseline with its 95% interval, as the paired bench's compare estimates it.
struct RatioInterval {
  double estimate = 1;
  double low = 1;
  double high = 1;
};

struct Finding {
  Verdict verdict = Verdict::unchanged;
  std::string subject;  // the run's label, or the benchmark's name
  std::string metric;   // e.g. "target.fewshot.ncm.5shot", "real_time", "status"
  std::optional<double> baseline;
  std::optional<double> contender;
  std::optional<double> p_value;
  std::string test;                        // "wilcoxon signed-rank", "mann-whitney u", "threshold", ...
  std::string note;                        // e.g. the mean difference's 95% interval, or why there is no test
  std::optional<double> delta() const;     // contender - baseline
  std::optional<double> relative() const;  // delta / |baseline|
  std::optional<RatioInterval> ratio;      // paired benchmarks: what the verdict was judged on
};

struct Comparison {
  std::string kind;  // "results" or "benchmarks"
  std::string baseline;
  std::string contender;
  std::vector<Finding> findings;
  std::vector<std::string> notes;  // said once, above the table

  std::size_t count(Verdict verdict) const;
  // 0: no regression; 1: at least one.
  int exit_code() const;
};

// The inputs cannot be compared (a missing folder, another suite, unreadable
// files, another schema): `gcbench compare` exits 2 with this message.
class CannotCompare : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Notes, then the table: regressed first, then improved, only-in-one-side and
// unchanged; then one line per regression naming metric, delta and p-value, and the counts.
std::string comparison_text(const Comparison& comparison);
nlohmann::json to_json(const Comparison& comparison);

}  // namespace gcbench
