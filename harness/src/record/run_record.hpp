// The run record: what one run of a suite was, where it came from and what it
// measured. It is the contract between the runner and every reader (report,
// compare, history, merge): written once per run as one JSON line of
// runs.jsonl and as runs/NNN-id/record.json, read back only through
// run_record_from_json, which upgrades older schemas.
//
// Schema history:
//   1  (no schema_version field) the untyped records of gcbench 0.1
//   2  schema_version, training_id, training.trained and training.trained_in_run;
//      each plugin's sha256, and provenance.plugins.gc_estimators maps a name to
//      {name, version, sha256} (a version string in schema 1)
//   3  provenance.cpu_model, provenance.blas and provenance.compiler ("" when
//      upgraded from schema 2: not known); classes: the source and target classes
//      the run used (absent when not known)
//   4  status "crashed" (the run's process died: a signal, an abort, out of
//      memory) with crash {signal, exit_code, stderr_tail}; provenance.device
//      ("cpu", "cuda:0") and provenance.device_model ("cpu" and cpu_model when
//      upgraded from schema 3); cpu_timings (phase -> CPU seconds, every
//      thread) and peak_rss_bytes (both absent when not known)
//   5  data_digest: "sha256:<hex>" of the data the run loaded, as `gcbench data
//      verify` prints it ("" when upgraded from schema 4: not known)
//   6  provenance.libtorch_cuda (whether the LibTorch carries CUDA; absent when
//      upgraded: not known), provenance.libtorch_cuda_version and
//      libtorch_cudnn_version (what it was built with; "" when none or not
//      known), provenance.device_requested (runtime.device as given; "" when
//      upgraded) and provenance.device_fallback (why "auto" ran on the CPU; "")
//   7  data_sources: what the dataset plugin says its files were, where it
//      chose among sources (mini_imagenet: the split CSVs shipped with the
//      plugin or the user's, and their digests); absent when it says nothing
//      or the record is older (not known)
//   8  provenance.cpu_isa (the instruction sets kernels choose by; "" when
//      upgraded: not known), provenance.math_libraries (the BLAS, LAPACK and
//      OpenMP files loaded, by content) and provenance.thread_environment (the
//      *_NUM_THREADS variables set), both absent when upgraded (not known):
//      with the rest, what machine_identity (record/machine_identity.hpp) reads
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "record/record_error.hpp"

namespace gcbench {

inline constexpr int kRunRecordSchemaVersion = 8;

// ok and diverged are finished; failed (the run threw) and crashed (its
// process died) are run again by a resumed suite.
enum class RunStatus { ok, diverged, failed, crashed };
bool is_finished(RunStatus status);
std::string to_string(RunStatus status);

struct PluginVersion {
  std::string name;
  std::string version;
  std::string sha256;  // of the library file; empty in records of schema 1
};

struct Provenance {
  std::string gcbench_version;
  std::string git_revision;  // "<sha>[-dirty]" at build time, or "unknown"
  std::string libtorch_version;
  std::string hostname;
  std::int64_t threads = 0;
  std::int64_t cores = 0;
  std::string cpu_model;     // /proc/cpuinfo's model name
  std::string blas;          // the BLAS LibTorch was built with, from its build config
  std::string compiler;      // the compiler that built gcbench
  std::string device;        // where tensors ran: "cpu", "cuda:0"
  std::string device_model;  // the GPU's name, or the CPU model
  PluginVersion dataset;
  PluginVersion architecture;
  std::map<std::string, PluginVersion> gc_estimators;  // by name
  // Schema 6.
  std::optional<bool> libtorch_cuda;   // whether that LibTorch carries CUDA; none: not known
  std::string libtorch_cuda_version;   // the CUDA it was built with, e.g. "13.2"; "" for none
  std::string libtorch_cudnn_version;  // the cuDNN it was built with, e.g. "9.26.0"; "" for none
  std::string device_requested;        // runtime.device as the suite gave it: "auto", "cpu", "cuda", "cuda:1"
  std::string device_fallback;         // why "auto" ran on the CPU (no CUDA in this LibTorch, no GPU visible); ""
  // Schema 8; "" or none: not known (an older record).
  std::string cpu_isa;                                         // runtime/machine.hpp's cpu_isa()
  std::optional<std::vector<std::string>> math_libraries;      // math_libraries()
  std::optional<std::vector<std::string>> thread_environment;  // thread_environment()
};

struct NetworkSummary {
  std::int64_t embedding_dim = 0;
  std::int64_t parameters = 0;  // f and g together
};

// GC and NC measured every training.trajectory_every steps on fixed probe images.
struct TrajectoryPoint {
  std::int64_t step = 0;
  double epoch = 0;
  double lr = 0;
  std::optional<double> loss;      // none at step 0
  std::optional<double> accuracy;  // none at step 0
  double gc = 0;
  std::optional<double> gc_standard_error;
  double nc_cdnv = 0;
  double nc1 = 0;
  double seconds = 0;
};

// How the measured network came to be. `trained` is true only for the run that
// ran SGD; a run that measures a network trained by another run of the folder
// (same training_id) names it in trained_in_run and copies its summary.
struct TrainingSummary {
  bool trained = false;
  std::optional<std::size_t> trained_in_run;  // the plan index of the run that trained it
  std::string from_checkpoint;                // training.from_checkpoint, when set
  std::string checkpoint;                     // the final.pt measured
  std::optional<std::int64_t> steps;
  std::optional<std::int64_t> epochs_completed;
  std::optional<double> final_loss;
  std::optional<double> running_train_accuracy;
  std::optional<double> parameter_norm;
  std::optional<double> final_gc_penalty_estimate;
  std::optional<std::int64_t> diverged_at_step;
  std::vector<TrajectoryPoint> trajectory;
};

struct GcMeasurement {
  double value = 0;                      // mean over the images of ||J_f(x)||_F^2
  std::optional<double> standard_error;  // stochastic estimators only
  std::int64_t backward_passes = 0;
  double seconds = 0;
  std::int64_t examples = 0;
};

struct NcMeasurement {
  double cdnv = 0;
  std::vector<std::vector<double>> cdnv_pairwise;
  double nc1 = 0;
  std::int64_t nc1_sigma_b_rank = 0;
  double nc2_equinorm = 0;
  double nc2_equiangularity = 0;
  double nc2_etf_distance = 0;
  std::optional<double> nc3;  // source classes only: head vs class means
  std::optional<double> nc4;  // source classes only: head vs nearest class mean
  std::vector<std::string> classes;
  std::int64_t examples = 0;
};

struct FewShotMeasurement {
  std::int64_t ways = 0;
  std::int64_t shots = 0;
  std::int64_t queries = 0;
  std::int64_t episodes = 0;
  double mean = 0;
  double ci95 = 0;                  // half-width of the 95% Student-t interval
  std::vector<double> per_episode;  // episode e is the same in every run of a seed
  double seconds = 0;
};

struct SourceMetrics {
  std::optional<double> train_accuracy;
  std::optional<std::int64_t> train_accuracy_examples;
  std::optional<double> test_accuracy;
  std::map<std::string, GcMeasurement> gc;  // by estimator
  std::optional<NcMeasurement> nc;
};

struct TargetMetrics {
  std::optional<NcMeasurement> nc;
  std::map<std::string, std::map<std::int64_t, FewShotMeasurement>> fewshot;  // classifier -> shots -> result
};

struct Metrics {
  SourceMetrics source;
  std::optional<TargetMetrics> target;  // none for a source-only dataset
};

struct EvaluatedSplits {
  std::string source;                 // "source_test"
  std::optional<std::string> target;  // "target", none for a source-only dataset
  std::string gc;                     // "source_train"
};

// The classes of the run's splits, by name, as the dataset loaded them: with a
// random class split (split_seed) they say which split a run drew.
struct SplitClasses {
  std::vector<std::string> source;
  std::vector<std::string> target;  // empty for a source-only dataset
};

struct ReusedFrom {
  std::size_t index = 0;
  std::string run_dir;
};

// How a run's process died.
struct Crash {
  std::optional<int> signal;     // e.g. 11 (SIGSEGV), 6 (SIGABRT), 9 (SIGKILL: often the out-of-memory killer)
  std::optional<int> exit_code;  // when it exited without writing its record
  std::string stderr_tail;       // the last lines it wrote to stderr
};

// What a run measured and how it ended: everything a record holds beyond the
// run's identity and provenance. A run that is the same as an earlier one of
// the folder copies it whole.
struct RunOutcome {
  RunStatus status = RunStatus::failed;
  std::string error;           // empty when ok
  std::optional<Crash> crash;  // status crashed
  double seconds = 0;
  std::optional<NetworkSummary> network;
  TrainingSummary training;
  std::optional<Metrics> metrics;  // none when the run stopped before measuring
  std::optional<EvaluatedSplits> evaluated_splits;
  std::string data_root;
  std::string data_digest;                          // of the splits the run loaded (data/data_digest.hpp); "" when not known
  std::map<std::string, std::string> data_sources;  // Dataset::data_sources(); empty: none given, or not known
  std::optional<SplitClasses> classes;
  std::map<std::string, double> timings;  // phase -> seconds; "total" for the whole run
  // phase -> CPU seconds of every thread of the process: with `timings`, a slower
  // run (more CPU) is told from a busier machine (the same CPU, more wall time).
  std::map<std::string, double> cpu_timings;
  // The run's process's peak resident memory (with --in-process: the suite
  // process's peak so far); 0 when not known.
  std::int64_t peak_rss_bytes = 0;
};

struct RunRecord : RunOutcome {
  int schema_version = kRunRecordSchemaVersion;
  // Identity and place in the plan.
  std::string run_id;       // hash of the resolved config without runtime: equal ids, equal experiments
  std::string training_id;  // hash of what changes the trained network: equal ids, one training
  std::string suite;
  std::string description;
  std::size_t index = 0;
  std::string variant;
  std::int64_t seed = 0;
  nlohmann::json swept = nlohmann::json::object();   // {"training.lr": 0.1}: this run's sweep point
  nlohmann::json config = nlohmann::json::object();  // the resolved config, as planned
  std::string run_dir;                               // relative to the results folder
  std::string started_at;
  Provenance provenance;
  std::optional<ReusedFrom> reused_from;  // the outcome copied from an identical earlier run
};

// Both from the record's field lists (record/record_fields.hpp).
nlohmann::json to_json(const RunRecord& record);

// Upgrades a record of an older schema first (see upgrade_record); throws
// RecordError naming the missing or mistyped field, or both schema versions.
RunRecord run_record_from_json(const nlohmann::json& json);

// A record of schema 1 .. kRunRecordSchemaVersion brought to the current schema,
// its meaning unchanged. Throws RecordError for a newer or unknown schema.
nlohmann::json upgrade_record(nlohmann::json record);

}  // namespace gcbench
