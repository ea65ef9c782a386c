// The gcbench sub-commands; each returns the process exit code.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/suite.hpp"
#include "data/check_result.hpp"
#include "plugins/plugin_registry.hpp"

namespace gcbench::cli {

struct SuiteArguments {
  std::filesystem::path suite;
  std::vector<std::string> overrides;  // key=value
  std::vector<std::string> plugin_folders;
};

struct LoadedSuite {
  PluginRegistry registry;
  Suite suite;
};

// Reads, overrides and validates a suite, discovering plugins from the default
// folders, --plugin-path and the suite's own plugin_paths. Throws ConfigError.
LoadedSuite load_suite(const SuiteArguments& arguments);

// gcbench's exit codes: 0 everything ran and is ok; 1 a run failed, the suite
// stopped early, a run crashed, or another error; 2 the suite (or --set) is
// invalid; 3 every run finished but some diverged; 130 a signal stopped it.
inline constexpr int kExitRunFailed = 1;
inline constexpr int kExitInvalidSuite = 2;
inline constexpr int kExitRunDiverged = 3;
// run: a signal stopped the suite; every finished run is recorded (128 + SIGINT, as shells report it).
inline constexpr int kExitStopped = 130;
// compare: 0 no regression, 1 a regression, 2 cannot compare.
inline constexpr int kExitRegression = 1;
inline constexpr int kExitCannotCompare = 2;

struct RunArguments {
  SuiteArguments suite;
  std::filesystem::path out = "results";  // new folders go to OUT/<suite>/<timestamp>
  std::optional<int> threads;
  std::string resume;  // a results folder to continue, or "latest" (OUT/<suite>'s latest)
  std::string into;    // exactly this folder: made when new, continued when it holds the suite
  std::string shard;   // "I/N"; empty: the whole plan
  bool in_process = false;
  bool dry_run = false;
};
int run_command(const RunArguments& arguments);

// A planned run in this process, for `run`'s runner (see runner/suite_runner.hpp).
struct RunOneArguments {
  SuiteArguments suite;
  std::filesystem::path results;
  std::size_t index = 0;
  std::string run_id;
};
int run_one_command(const RunOneArguments& arguments);

// Joins results folders of one plan; 0 merged (a note lists runs none holds), 1 refused.
int merge_command(const std::vector<std::string>& inputs, const std::string& out);

struct EmitSlurmArguments {
  SuiteArguments suite;
  std::size_t shards = 0;  // 0: one per group of runs that must stay together (runner/shards.hpp)
  std::string partition;
  std::string time = "24:00:00";
  int gpus_per_task = 0;
  int cpus_per_task = 4;
  std::string results;  // default: results/<suite>/slurm
  std::string out;      // the script; empty: stdout
  std::string gcbench;  // default: this executable's path
  bool dry_run = false;
};
int emit_slurm_command(const EmitSlurmArguments& arguments);
int validate_command(const SuiteArguments& arguments);
// Lists every run with its id, variant, seed and resolved config; JSON with as_json.
int plan_command(const SuiteArguments& arguments, bool as_json);
// Writes report.md, report.html and plots/ into a suite's results folder.
int report_command(const std::filesystem::path& results, const std::filesystem::path& out);
// `gcbench report --claims DIR...`: claims.md and claims.html across the studies.
int claims_command(const std::vector<std::string>& results, const std::filesystem::path& out);
int keys_command();
struct DataArguments {
  std::string action;  // "verify", "prepare" or "fetch"
  std::string name;
  std::string root;
  std::vector<std::string> overrides;
  std::vector<std::string> plugin_folders;
  // fetch
  std::string url, mirror, sha256;
  bool keep_archives = false;
  bool force = false;  // fetch even when ROOT already holds data that verifies
  // prepare: build the dataset's folder from data the user has (mini-ImageNet from ImageNet)
  std::string from;
};
// verify: loads every split, checks counts and split membership, prints the data
// digest. prepare: builds ROOT from --from (where given), then verifies, which
// builds the plugin's caches. fetch: downloads, checks and unpacks the plugin's
// archives into ROOT, then verifies.
int data_command(const DataArguments& arguments);
int plugins_command(const std::vector<std::string>& plugin_folders, bool as_json);

struct CheckPluginArguments {
  std::string name;
  std::string kind;                    // "" when the name is unambiguous
  std::vector<std::string> overrides;  // option=value
  std::string root;                    // datasets: the data folder
  std::vector<std::string> plugin_folders;
};
// 0: every check passed; 1: a check failed; 2: no such plugin.
int check_plugin_command(const CheckPluginArguments& arguments);

struct BenchArguments {
  std::string filter;  // a regex over case names; "-regex" for all but its matches
  int repetitions = 1;
  double min_time = 0.5;  // seconds per repetition, at least one iteration
  double warmup = 0;      // seconds each case runs, unmeasured, before its first repetition
  std::string json;       // Google Benchmark JSON out
  int threads = 0;
  std::string device = "cpu";  // runtime.device's names; "auto" is not taken: a bench says where it ran
  bool list = false;
  bool nightly = false;  // only the cases the nightly's paired bench runs (bench/bench_cases.hpp)
  std::vector<std::string> plugin_folders;
  // A/B: this gcbench against another, in alternating rounds, into one paired file.
  std::string against;                              // the other gcbench executable
  std::vector<std::string> against_plugin_folders;  // its extra plugin folders
  int rounds = 10;
  bool instructions = false;  // callgrind's instruction counts instead of times
};
int bench_command(const BenchArguments& arguments);

struct CompareArguments {
  std::string baseline, contender;  // two results folders, two benchmark JSON files, or one paired file (contender empty)
  std::string thresholds;           // TOML; empty: the defaults (compare/thresholds.hpp)
  bool as_json = false;
  bool across_machines = false;  // results of two machine identities, judged over their seeds
};
int compare_command(const CompareArguments& arguments);

// `gcbench version [--json]`: what this gcbench is (record/provenance.hpp's gcbench_identity).
int version_command(bool as_json);

// `gcbench machine [--json]`: this machine's identity (record/machine_identity.hpp)
// as a run with these threads and device would record it.
struct MachineArguments {
  std::int64_t threads = 0;  // 0: all cores, as a run takes by default
  std::string device = "auto";
  bool as_json = false;
};
int machine_command(const MachineArguments& arguments);

inline constexpr const char* kDefaultHistory = "results/history.sqlite";
struct HistoryArguments {
  std::string db = kDefaultHistory;
  std::vector<std::string> inputs;  // add: results folders and benchmark files; show: a series name pattern
  std::string machine;
};
int history_add_command(const HistoryArguments& arguments);
int history_show_command(const HistoryArguments& arguments);

struct DashboardArguments {
  std::string db = kDefaultHistory;
  std::string out;
  std::string baseline;  // a revision (prefix); empty: each series' first point
};
int dashboard_command(const DashboardArguments& arguments);

// One "pass"/"FAIL" line per check and a count; true when all passed.
bool print_checks(const std::vector<CheckResult>& results);
// The registry's warnings (missing plugin folders, misnamed plugin files) and
// the plugins it refused (wrong ABI, a second plugin of one name), on stderr.
void print_warnings(const PluginRegistry& registry);

// The plugins of the default folders, then of `plugin_paths` (--plugin-path)
// and `more` (a suite's plugin_paths), the registry's warnings printed.
PluginRegistry discover_plugins(const std::vector<std::string>& plugin_paths,
                                const std::vector<std::filesystem::path>& more = {});

}  // namespace gcbench::cli
