// Progress of long work on stderr, as users of long jobs expect: on a terminal
// one line rewritten in place; in a log (a file, a Slurm output) a plain line
// every few seconds, so the log stays readable.
#pragma once

#include <chrono>
#include <string>

namespace gcbench {

// GCBENCH_PROGRESS=terminal or =log decides (a suite runner sets it for the
// run processes whose stderr it passes on); otherwise whether stderr is a terminal.
bool progress_on_terminal();

// "12s", "4m05s", "3h07m", "2d04h".
std::string format_duration(double seconds);

class ProgressLine {
 public:
  explicit ProgressLine(double log_every_seconds);
  ~ProgressLine();  // ends a terminal line that is still open

  // Whether update() would show a line now: a quarter second on a terminal,
  // log_every_seconds in a log, since the last one. Callers on a hot path
  // (every training step) ask first and make the text only then.
  bool due() const;
  // Shows `text` when due().
  void update(const std::string& text);
  // Shows `text` now and ends the line.
  void finish(const std::string& text);

 private:
  void show(const std::string& text);

  bool terminal_;
  double every_;
  std::chrono::steady_clock::time_point last_;
  bool open_ = false;
  bool shown_ = false;
};

// Seconds since `start`.
double seconds_since(std::chrono::steady_clock::time_point start);

// The ETA of work `done` of `total` units that has taken `elapsed` seconds.
std::string eta(double elapsed, double done, double total);

}  // namespace gcbench
