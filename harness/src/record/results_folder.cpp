#include "record/results_folder.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <set>
#include <system_error>

#include "record/provenance.hpp"
#include "util/atomic_file.hpp"
#include "util/utf8_text.hpp"

namespace gcbench {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

void check_folder_name(const std::string& suite) {
  if (suite.empty() || suite == "." || suite == ".." || suite.find('/') != std::string::npos ||
      suite.find('\0') != std::string::npos) {
    throw std::invalid_argument(
        fmt::format("suite name \"{}\" cannot name a results folder: it must be one plain "
                    "name without '/', '.' or '..'; set suite.name",
                    suite));
  }
}

void write_all(int fd, const std::string& text, const fs::path& file) {
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::system_error(errno, std::generic_category(), "cannot write to " + file.string());
    written += static_cast<std::size_t>(n);
  }
}

}  // namespace

ResultsFolder::ResultsFolder(fs::path path) : path_(std::move(path)) {}

ResultsFolder::ResultsFolder(ResultsFolder&& other) noexcept
    : path_(std::move(other.path_)), notes_(std::move(other.notes_)), records_fd_(other.records_fd_), lock_fd_(other.lock_fd_) {
  other.records_fd_ = -1;
  other.lock_fd_ = -1;
}

ResultsFolder& ResultsFolder::operator=(ResultsFolder&& other) noexcept {
  if (this != &other) {
    if (records_fd_ >= 0) ::close(records_fd_);
    if (lock_fd_ >= 0) ::close(lock_fd_);
    path_ = std::move(other.path_);
    notes_ = std::move(other.notes_);
    records_fd_ = other.records_fd_;
    lock_fd_ = other.lock_fd_;
    other.records_fd_ = -1;
    other.lock_fd_ = -1;
  }
  return *this;
}

ResultsFolder::~ResultsFolder() {
  if (records_fd_ >= 0) ::close(records_fd_);
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the lock
}

bool ResultsFolder::holds_plan(const fs::path& path) { return fs::exists(path / "plan.json"); }

ResultsFolder ResultsFolder::create_or_continue(const fs::path& path) {
  std::error_code error;
  if (fs::exists(path, error) && !holds_plan(path) && !fs::is_empty(path, error)) {
    throw std::runtime_error(
        fmt::format("{} holds files but is not a results folder (no plan.json); give an empty or "
                    "new folder, or a results folder of this suite",
                    path.string()));
  }
  fs::create_directories(path, error);
  if (error) throw std::system_error(error, "cannot create the results folder " + path.string());
  return ResultsFolder(path);
}

void ResultsFolder::lock() {
  const fs::path file = path_ / ".lock";
  lock_fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) throw std::system_error(errno, std::generic_category(), "cannot open " + file.string());
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    std::ifstream in(file);
    std::string holder;
    std::getline(in, holder);
    ::close(lock_fd_);
    lock_fd_ = -1;
    throw std::runtime_error(
        fmt::format("{} is being written by another gcbench process ({}); two processes must not "
                    "write one results folder: wait for it, or stop it and resume",
                    path_.string(), holder.empty() ? "pid unknown" : holder));
  }
  char host[256] = {};
  ::gethostname(host, sizeof(host) - 1);
  const std::string holder = fmt::format("pid {} on {}\n", ::getpid(), host);
  if (::ftruncate(lock_fd_, 0) == 0) write_all(lock_fd_, holder, file);
}

std::vector<RunRecord> ResultsFolder::keep_finished_records() {
  std::vector<RunRecord> kept;
  const fs::path file = records_file();
  std::ifstream in(file);
  if (!in) return kept;
  std::string text, line;
  std::set<std::pair<std::string, std::size_t>> ids;
  bool dropped = false;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    try {
      RunRecord record = run_record_from_json(json::parse(line));
      if (is_finished(record.status) && ids.insert({record.run_id, record.index}).second) {
        text += line + "\n";
        kept.push_back(std::move(record));
        continue;
      }
    } catch (const std::exception&) {  // a torn or damaged line: its run is run again
    }
    dropped = true;
  }
  in.close();
  if (dropped) {
    if (records_fd_ >= 0) ::close(records_fd_), records_fd_ = -1;
    write_file_atomically(file, text);
  }
  return kept;
}

ResultsFolder ResultsFolder::create(const fs::path& root, const std::string& suite) {
  check_folder_name(suite);
  const fs::path base = root / suite / utc_timestamp(true);
  fs::path dir = base;
  for (int attempt = 2; fs::exists(dir); ++attempt) dir = base.string() + "-" + std::to_string(attempt);
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) throw std::system_error(error, "cannot create the results folder " + dir.string());
  return ResultsFolder(dir);
}

ResultsFolder ResultsFolder::open(const fs::path& path) {
  if (fs::exists(path / "runs.jsonl") || holds_plan(path)) return ResultsFolder(path);
  std::vector<fs::path> candidates;
  std::error_code error;
  if (fs::is_directory(path, error)) {
    for (const auto& entry : fs::directory_iterator(path, error)) {
      if (fs::exists(entry.path() / "runs.jsonl") || holds_plan(entry.path())) candidates.push_back(entry.path());
    }
  }
  if (candidates.empty()) {
    throw std::runtime_error(
        fmt::format("{} holds no runs.jsonl, nor does any folder in it; give a suite's results "
                    "folder, e.g. results/<suite>/<timestamp>",
                    path.string()));
  }
  ResultsFolder folder(*std::max_element(candidates.begin(), candidates.end()));  // timestamps sort by name
  if (candidates.size() > 1) {
    folder.notes_.push_back(fmt::format("{} holds {} results folders of the suite; reporting the latest, {}", path.string(),
                                        candidates.size(), folder.path_.filename().string()));
  }
  return folder;
}

void ResultsFolder::write_plan(const json& plan) const { write_file_atomically(path_ / "plan.json", json_text(plan, 2) + "\n"); }

void ResultsFolder::write_resolved_suite(const std::string& toml) const {
  write_file_atomically(path_ / "suite.resolved.toml", toml);
}

fs::path ResultsFolder::run_dir(std::size_t index, const std::string& run_id) const {
  return fs::path("runs") / fmt::format("{:03d}-{}", index, run_id);
}

fs::path ResultsFolder::prepare_run_dir(std::size_t index, const std::string& run_id, const json& config) const {
  fs::path dir = path_ / run_dir(index, run_id);
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) throw std::system_error(error, "cannot create the run folder " + dir.string());
  write_file_atomically(dir / "config.json", json_text(config, 2) + "\n");
  return dir;
}

void ResultsFolder::append(const RunRecord& record) {
  const json as_json = to_json(record);
  const fs::path file = records_file();
  if (records_fd_ < 0) {
    records_fd_ = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (records_fd_ < 0) throw std::system_error(errno, std::generic_category(), "cannot open " + file.string());
  }
  // One write() of the whole line: O_APPEND makes it land after every earlier line.
  // A line the disk could not take whole (ENOSPC mid-line) is cut back off, so
  // the file holds only complete records and the error says why.
  const off_t end = ::lseek(records_fd_, 0, SEEK_END);
  try {
    write_all(records_fd_, json_text(as_json, -1) + "\n", file);
    if (::fsync(records_fd_) != 0) throw std::system_error(errno, std::generic_category(), "cannot fsync " + file.string());
  } catch (...) {
    if (end >= 0 && ::ftruncate(records_fd_, end) == 0) ::fsync(records_fd_);
    throw;
  }
  if (!record.run_dir.empty() && fs::is_directory(path_ / record.run_dir)) {
    write_file_atomically(path_ / record.run_dir / "record.json", json_text(as_json, 2) + "\n");
  }
}

std::optional<json> ResultsFolder::read_plan() const {
  const fs::path file = path_ / "plan.json";
  std::ifstream in(file);
  if (!in) return std::nullopt;
  try {
    json plan = json::parse(in);
    if (plan.is_array()) return plan;
  } catch (const json::exception&) {
  }
  throw std::runtime_error(file.string() + ": not a plan (a JSON list of runs); the file was edited or damaged");
}

RecordList ResultsFolder::read_records() const {
  RecordList result;
  const fs::path file = records_file();
  std::ifstream in(file);
  if (!in) {
    result.problems.push_back(file.string() + ": cannot be opened");
    return result;
  }
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(std::move(line));
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    const std::string where = fmt::format("{}:{}", file.string(), i + 1);
    json parsed;
    try {
      parsed = json::parse(lines[i]);
    } catch (const json::exception& error) {  // parse_error, and out_of_range for numbers past a double (fuzzing)
      if (i + 1 == lines.size()) {
        result.torn_last_line = i + 1;
      } else {
        result.problems.push_back(fmt::format("{}: not a complete record ({})", where, error.what()));
      }
      continue;
    }
    try {
      result.records.push_back(run_record_from_json(parsed));
    } catch (const RecordError& error) {
      result.problems.push_back(fmt::format("{}: {}", where, error.what()));
    }
  }
  return result;
}

namespace {

json with_utf8_strings(const json& value) {
  if (value.is_string()) return escape_non_utf8(value.get_ref<const std::string&>());
  if (value.is_array()) {
    json out = json::array();
    for (const auto& item : value) out.push_back(with_utf8_strings(item));
    return out;
  }
  if (value.is_object()) {
    json out = json::object();
    for (const auto& [key, item] : value.items()) out[escape_non_utf8(key)] = with_utf8_strings(item);
    return out;
  }
  return value;
}

}  // namespace

std::string json_text(const json& value, int indent) {
  // Nearly every record is UTF-8 already: the copy that escapes is made only for one that is not.
  try {
    return value.dump(indent);
  } catch (const json::type_error&) {
    return with_utf8_strings(value).dump(indent, ' ', false, json::error_handler_t::replace);
  }
}

}  // namespace gcbench
