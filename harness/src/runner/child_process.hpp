// A run in a process of its own, so that a crash in a plugin (a segfault, an
// abort, the out-of-memory killer) ends that run and not the suite.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace gcbench {

class StopSignals;

struct ChildExit {
  std::optional<int> exit_code;  // it exited
  std::optional<int> signal;     // a signal ended it
  std::string stderr_tail;       // its last lines on stderr (all of which were passed on to ours)
};

// Runs argv[0] (a path) with `argv` in its own process group, passing its
// stderr through to ours and keeping the last `tail_bytes` of it. The child is
// killed if this process dies. Throws std::system_error when it cannot start.
ChildExit run_child(const std::vector<std::string>& argv, StopSignals* stop, std::size_t tail_bytes = 4000);

// "signal 11 (Segmentation fault)" or "exit code 3".
std::string describe(const ChildExit& exit);

}  // namespace gcbench
