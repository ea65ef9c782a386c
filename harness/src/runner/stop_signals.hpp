// SIGINT and SIGTERM while a suite runs. The first asks the suite to stop once
// the run in progress is recorded; the second stops at once (a child process
// running a run is killed; the run is not recorded and a resume reruns it).
// Either way every record already written stays, and the exact command that
// resumes the suite is printed.
#pragma once

#include <sys/types.h>
#include <string>

namespace gcbench {

class StopSignals {
 public:
  // Installs the handlers; `resume_command` is printed when stopping. One at a time.
  explicit StopSignals(const std::string& resume_command);
  ~StopSignals();  // restores the previous handlers
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  bool stop_requested() const;
  // The process group the second signal kills with SIGKILL; 0 for none.
  void set_child(pid_t process_group);
};

}  // namespace gcbench
