#include "util/child_process.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>

#include <system_error>
#include "util/util_error.hpp"

namespace gcbench {

namespace {

// The tail starts at a line (a cut line reads as garbage), and a progress line
// a terminal rewrote in place ('\r') keeps only its last state.
std::string trimmed_tail(const std::string& text, std::size_t limit) {
  std::string tail = text.size() <= limit ? text : text.substr(text.size() - limit);
  if (text.size() > limit) {
    if (const auto newline = tail.find('\n'); newline != std::string::npos && newline + 1 < tail.size()) {
      tail = tail.substr(newline + 1);
    }
  }
  std::string lines;
  std::size_t start = 0;
  while (start < tail.size()) {
    auto end = tail.find('\n', start);
    if (end == std::string::npos) end = tail.size();
    std::string line = tail.substr(start, end - start);
    while (!line.empty() && line.back() == '\r') line.pop_back();
    if (const auto last = line.rfind('\r'); last != std::string::npos) line = line.substr(last + 1);
    lines += line;
    if (end < tail.size()) lines += '\n';
    start = end + 1;
  }
  return lines;
}

}  // namespace

ChildExit run_child(const std::vector<std::string>& argv, const ChildOptions& options) {
  if (argv.empty()) throw UtilError("run_child: no program to run");
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  // Opened before fork: the child may only make async-signal-safe calls.
  int output_fd = -1;
  if (options.output_file) {
    output_fd = ::open(options.output_file->c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (output_fd < 0) throw std::system_error(errno, std::generic_category(), "cannot write " + options.output_file->string());
  }
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    if (output_fd >= 0) ::close(output_fd);
    throw std::system_error(errno, std::generic_category(), "cannot make a pipe");
  }
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    if (output_fd >= 0) ::close(output_fd);
    throw std::system_error(errno, std::generic_category(), "cannot start a process for " + argv[0]);
  }
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec.
    ::setpgid(0, 0);                     // Ctrl-C reaches the suite runner, which decides
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // no orphaned run writing into a folder nobody holds
    if (::getppid() != parent) ::_exit(127);
    if (output_fd >= 0) {
      ::dup2(output_fd, STDOUT_FILENO);
      ::dup2(output_fd, STDERR_FILENO);
    } else {
      ::dup2(pipe_fds[1], STDERR_FILENO);
    }
    if (!options.working_directory.empty() && ::chdir(options.working_directory.c_str()) != 0) ::_exit(127);
    struct sigaction defaults {};
    defaults.sa_handler = SIG_DFL;
    ::sigaction(SIGINT, &defaults, nullptr);
    ::sigaction(SIGTERM, &defaults, nullptr);
    if (options.search_path) {
      ::execvp(args[0], args.data());
    } else {
      ::execv(args[0], args.data());
    }
    const char message[] = "gcbench: cannot start a child process\n";
    [[maybe_unused]] auto ignored = ::write(STDERR_FILENO, message, sizeof(message) - 1);
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also here, so it holds before either side runs on
  if (options.on_process_group) options.on_process_group(pid);
  ::close(pipe_fds[1]);
  if (output_fd >= 0) ::close(output_fd);

  std::string captured;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(pipe_fds[0], buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    std::size_t written = 0;
    while (written < static_cast<std::size_t>(n)) {
      const ssize_t w = ::write(STDERR_FILENO, buffer + written, static_cast<std::size_t>(n) - written);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) break;
      written += static_cast<std::size_t>(w);
    }
    captured.append(buffer, static_cast<std::size_t>(n));
    if (captured.size() > 4 * options.tail_bytes) captured = captured.substr(captured.size() - 2 * options.tail_bytes);
  }
  ::close(pipe_fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (options.on_process_group) options.on_process_group(0);

  ChildExit exit;
  if (WIFEXITED(status)) exit.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) exit.signal = WTERMSIG(status);
  exit.stderr_tail = trimmed_tail(captured, options.tail_bytes);
  return exit;
}

std::string describe(const ChildExit& exit) {
  if (exit.signal) return fmt::format("signal {} ({})", *exit.signal, ::strsignal(*exit.signal));
  if (exit.exit_code) return fmt::format("exit code {}", *exit.exit_code);
  return "an unknown end";
}

std::filesystem::path this_executable() { return std::filesystem::read_symlink("/proc/self/exe"); }

}  // namespace gcbench
