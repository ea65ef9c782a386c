// The nightly history: every result gcbench adds, as points of named series,
// in one SQLite file. Adding is idempotent: each source (a run record, a
// benchmark file) is keyed by the SHA-256 of its content, so adding the same
// results twice adds nothing. The schema is versioned (PRAGMA user_version)
// and migrated forward on open; a newer file is refused.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace SQLite {
class Database;
}

namespace gcbench {

inline constexpr int kHistorySchemaVersion = 1;

// Where one set of points came from.
struct HistorySource {
  std::string digest;        // SHA-256 of the content: the identity that makes adding idempotent
  std::string kind;          // "run" or "benchmark"
  std::string label;         // "<suite> <run label>" or the benchmark file's name
  std::string git_revision;  // "<sha>[-dirty]"
  std::string machine;       // the host, or what --machine named
  std::string recorded_at;   // UTC, ISO 8601: the order of the points in a series
};

struct HistoryPoint {
  std::string series;  // e.g. "nightly/conv4 seed=0/target.fewshot.ncm.5shot", "bench/nc/100k_x_512/real_time"
  double value = 0;
  std::string unit;  // "s", "accuracy", ""
};

struct SeriesPoint {
  std::string git_revision;
  std::string recorded_at;
  std::string machine;
  double value = 0;
};

struct SeriesInfo {
  std::string name;
  std::string unit;
};

class History {
 public:
  // Creates the file (and its folder) when missing; migrates an older schema.
  // Throws std::runtime_error naming the file when it is not a gcbench history
  // or was written by a newer gcbench.
  static History open(const std::filesystem::path& file);
  History(History&&) noexcept;
  ~History();

  // True when added; false when a source of that digest is already there.
  bool add(const HistorySource& source, const std::vector<HistoryPoint>& points);

  std::vector<SeriesInfo> series_names() const;
  // Oldest first; only `machine`'s points when it is not empty.
  std::vector<SeriesPoint> series(const std::string& name, const std::string& machine = "") const;
  std::vector<std::string> machines() const;
  std::size_t source_count() const;
  int schema_version() const;
  const std::filesystem::path& file() const { return file_; }

 private:
  History(std::filesystem::path file, std::unique_ptr<SQLite::Database> db);
  std::filesystem::path file_;
  std::unique_ptr<SQLite::Database> db_;
};

}  // namespace gcbench
