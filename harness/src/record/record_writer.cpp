#include "record/record_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <system_error>

namespace gcbench {

RecordWriter::RecordWriter(std::filesystem::path file) : file_(std::move(file)) {
  fd_ = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "cannot open " + file_.string());
}

RecordWriter::~RecordWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void RecordWriter::append(const nlohmann::json& record) {
  // One write() of the whole line: O_APPEND makes it land after every earlier line.
  const std::string line = record.dump() + "\n";
  std::size_t written = 0;
  while (written < line.size()) {
    const ssize_t n = ::write(fd_, line.data() + written, line.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::system_error(errno, std::generic_category(), "cannot write to " + file_.string());
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd_) != 0) throw std::system_error(errno, std::generic_category(), "cannot fsync " + file_.string());
}

RecordFile read_records(const std::filesystem::path& file) {
  RecordFile result;
  std::ifstream in(file);
  if (!in) {
    result.problems.push_back(file.string() + ": cannot be opened");
    return result;
  }
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(std::move(line));
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    try {
      result.records.push_back(nlohmann::json::parse(lines[i]));
    } catch (const nlohmann::json::parse_error& error) {
      if (i + 1 == lines.size()) {
        result.torn_last_line = i + 1;
      } else {
        result.problems.push_back(file.string() + ":" + std::to_string(i + 1) + ": not a complete record (" +
                                  error.what() + ")");
      }
    }
  }
  return result;
}

}  // namespace gcbench
