#include "util/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace gcbench {

bool progress_on_terminal() {
  if (const char* mode = std::getenv("GCBENCH_PROGRESS")) {
    if (std::strcmp(mode, "terminal") == 0) return true;
    if (std::strcmp(mode, "log") == 0) return false;
  }
  return ::isatty(STDERR_FILENO) == 1;
}

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto s = static_cast<long long>(std::llround(seconds));
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02d}s", s / 60, s % 60);
  if (s < 86400) return fmt::format("{}h{:02d}m", s / 3600, (s % 3600) / 60);
  return fmt::format("{}d{:02d}h", s / 86400, (s % 86400) / 3600);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string eta(double elapsed, double done, double total) {
  if (done <= 0 || elapsed <= 0) return "?";
  return format_duration(elapsed / done * std::max(0.0, total - done));
}

ProgressLine::ProgressLine(double log_every_seconds)
    : terminal_(progress_on_terminal()), every_(terminal_ ? 0.25 : log_every_seconds), last_(std::chrono::steady_clock::now()) {}

ProgressLine::~ProgressLine() {
  if (open_) std::fputc('\n', stderr);
}

bool ProgressLine::due() const {
  // A log's first line waits a whole interval too: short work stays quiet.
  return !(shown_ || !terminal_) || std::chrono::duration<double>(std::chrono::steady_clock::now() - last_).count() >= every_;
}

void ProgressLine::update(const std::string& text) {
  if (!due()) return;
  last_ = std::chrono::steady_clock::now();
  show(text);
}

void ProgressLine::finish(const std::string& text) {
  show(text);
  if (open_) std::fputc('\n', stderr);
  open_ = false;
}

void ProgressLine::show(const std::string& text) {
  shown_ = true;
  if (terminal_) {
    // \x1b[K clears what a longer earlier line left behind.
    std::fprintf(stderr, "\r%s\x1b[K", text.c_str());
    open_ = true;
  } else {
    std::fprintf(stderr, "%s\n", text.c_str());
  }
  std::fflush(stderr);
}

}  // namespace gcbench
