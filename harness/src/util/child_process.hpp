// Another program in a process of its own, started without a shell (its
// arguments are the user's text): a run, so that a crash in a plugin (a
// segfault, an abort, the out-of-memory killer) ends that run and not the
// suite, or a tool such as gnuplot.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace gcbench {

struct ChildExit {
  std::optional<int> exit_code;  // it exited
  std::optional<int> signal;     // a signal ended it
  std::string stderr_tail;       // its last lines on stderr (all of which were passed on to ours)
};

struct ChildOptions {
  // Its working folder; empty: ours.
  std::filesystem::path working_directory;
  // When set, its stdout and stderr go to this file (and no tail is kept);
  // otherwise its stderr is passed through to ours and its last `tail_bytes` kept.
  std::optional<std::filesystem::path> output_file;
  std::size_t tail_bytes = 4000;
  // argv[0] is looked up on PATH (a tool) rather than taken as a path.
  bool search_path = false;
  // Called with the child's process group once it runs, and with 0 once it has
  // ended: whoever stops on a signal kills that group.
  std::function<void(pid_t)> on_process_group;
};

// Runs argv[0] with `argv` in its own process group. The child is killed if
// this process dies. Exit code 127 means it could not be executed (absent).
// Throws std::system_error when no process can be made.
ChildExit run_child(const std::vector<std::string>& argv, const ChildOptions& options = {});

// This process's own executable (/proc/self/exe), for running gcbench again as a child.
std::filesystem::path this_executable();

// "signal 11 (Segmentation fault)" or "exit code 3".
std::string describe(const ChildExit& exit);

}  // namespace gcbench
