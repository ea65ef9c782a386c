// A suite's results folder, the one place that knows its layout:
//
//   runs.jsonl            one record per finished run, one JSON line each, in
//                         the order the runs finished; fsync'd line by line
//   plan.json             every planned run: index, ids, variant, seed, sweep point, config
//   suite.resolved.toml   the suite as read, includes and --set applied
//   shard.json            {"index": I, "count": N} when it holds shard I of N
//   .lock                 held (flock) by the one process writing the folder
//   runs/NNN-<run id>/    the run's config.json, record.json and checkpoints
//
// The runner writes through it; report and every later reader read through it.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "record/run_record.hpp"

namespace gcbench {

struct RecordList {
  std::vector<RunRecord> records;     // every complete record, in file order
  std::vector<std::string> problems;  // "…/runs.jsonl:7: record field 'seed' is missing" for damaged lines
  std::size_t torn_last_line = 0;     // the last line's number when a kill cut it short, else 0
};

class ResultsFolder {
 public:
  // A new, empty folder ROOT/<suite>/<UTC timestamp>[-k]. `suite` must be one
  // plain path component (no '/', not "." or ".."): results stay under ROOT.
  static ResultsFolder create(const std::filesystem::path& root, const std::string& suite);
  // Exactly `path`, made when absent. Throws when it exists and is not a
  // results folder (no plan.json) but holds files: nothing else is written into.
  static ResultsFolder create_or_continue(const std::filesystem::path& path);
  // True when `path` holds a plan: a suite started there.
  static bool holds_plan(const std::filesystem::path& path);

  // An existing folder: `path` holds runs.jsonl, or is the folder above it
  // (results/<suite>), whose latest results folder is taken and a note says so
  // when it holds several. Throws std::runtime_error naming `path` when neither.
  static ResultsFolder open(const std::filesystem::path& path);

  ResultsFolder(ResultsFolder&&) noexcept;
  ResultsFolder& operator=(ResultsFolder&&) noexcept;
  ~ResultsFolder();

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path records_file() const { return path_ / "runs.jsonl"; }
  const std::vector<std::string>& notes() const { return notes_; }

  // Takes the folder's lock for as long as this object lives, or throws
  // std::runtime_error naming the process that holds it.
  void lock();

  // Drops from runs.jsonl every record that is not finished (failed, crashed),
  // every second record of a run (run id and plan place), and a torn last
  // line; the records kept stay byte for byte. Returns them.
  std::vector<RunRecord> keep_finished_records();

  void write_plan(const nlohmann::json& plan) const;
  void write_resolved_suite(const std::string& toml) const;

  // runs/NNN-<run id>, relative to the folder, and made with the run's config.json in it.
  std::filesystem::path run_dir(std::size_t index, const std::string& run_id) const;
  std::filesystem::path prepare_run_dir(std::size_t index, const std::string& run_id, const nlohmann::json& config) const;

  // Appends the record to runs.jsonl (returning once it is on disk) and writes
  // its record.json. Throws std::system_error naming the file and the reason.
  void append(const RunRecord& record);

  // plan.json: every planned run, or nullopt when the folder has none. Throws
  // std::runtime_error naming the file when it is not a list of runs.
  std::optional<nlohmann::json> read_plan() const;

  // Every record, each upgraded to the current schema. A line that is not a
  // record is a problem naming file and line; a torn last line is only counted.
  RecordList read_records() const;

 private:
  explicit ResultsFolder(std::filesystem::path path);

  std::filesystem::path path_;
  std::vector<std::string> notes_;
  int records_fd_ = -1;  // opened on the first append
  int lock_fd_ = -1;
};

// JSON text of a record, a plan or a config: strings that are not UTF-8 (a path
// in another encoding) are written with their stray bytes as \xNN
// (escape_non_utf8), so such a path costs no record.
std::string json_text(const nlohmann::json& value, int indent = -1);

}  // namespace gcbench
