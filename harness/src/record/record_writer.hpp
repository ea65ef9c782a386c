// Run records: one JSON object per line, appended and fsync'd one at a time, so
// a crash or kill mid-suite leaves every finished run's record intact.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace gcbench {

class RecordWriter {
 public:
  explicit RecordWriter(std::filesystem::path file);  // creates the file if needed
  ~RecordWriter();
  RecordWriter(const RecordWriter&) = delete;
  RecordWriter& operator=(const RecordWriter&) = delete;

  // Returns once the line is on disk; throws std::system_error naming the file otherwise.
  void append(const nlohmann::json& record);

  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  int fd_ = -1;
};

struct RecordFile {
  std::vector<nlohmann::json> records;
  std::vector<std::string> problems;  // "runs.jsonl:7: ..." for lines before the last that do not parse
  std::size_t torn_last_line = 0;     // the last line's number where it does not parse (a kill mid-write), else 0
};

// Reads every complete record. A torn last line is what a kill mid-write leaves:
// it is skipped and numbered in torn_last_line; any other bad line is a problem.
RecordFile read_records(const std::filesystem::path& file);

}  // namespace gcbench
