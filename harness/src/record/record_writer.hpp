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
  std::vector<std::string> problems;  // "runs.jsonl:7: ..." for lines that do not parse
};

// Reads every complete record; a torn last line (a kill mid-write) is reported, not fatal.
RecordFile read_records(const std::filesystem::path& file);

}  // namespace gcbench
