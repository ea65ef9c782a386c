#include "runner/stop_signals.hpp"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstring>
#include <stdexcept>

namespace gcbench {

namespace {

// A signal handler may only touch lock-free atomics and call async-signal-safe
// functions (write, kill, _exit); the messages are made beforehand.
std::atomic<int> signals_seen{0};
std::atomic<pid_t> child_group{0};
char first_message[512];
char second_message[4096];
bool installed = false;
struct sigaction previous_int, previous_term;

void write_message(const char* text) {
  const std::size_t length = std::strlen(text);
  std::size_t done = 0;
  while (done < length) {
    const ssize_t n = ::write(STDERR_FILENO, text + done, length - done);
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

void on_signal(int) {
  if (signals_seen.fetch_add(1) == 0) {
    write_message(first_message);
    return;
  }
  if (const pid_t group = child_group.load(); group > 0) ::kill(-group, SIGKILL);
  write_message(second_message);
  ::_exit(130);
}

void copy_message(char* to, std::size_t size, const std::string& text) {
  std::strncpy(to, text.c_str(), size - 1);
  to[size - 1] = '\0';
}

}  // namespace

StopSignals::StopSignals(const std::string& resume_command) {
  if (installed) throw std::logic_error("StopSignals is already installed");
  installed = true;
  signals_seen = 0;
  child_group = 0;
  copy_message(first_message, sizeof(first_message),
               "\ngcbench: stopping once the run in progress is recorded; signal again (Ctrl-C) to stop now\n");
  copy_message(second_message, sizeof(second_message),
               "\ngcbench: stopped; every finished run is recorded. Resume with:\n  " + resume_command + "\n");
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, &previous_int);
  sigaction(SIGTERM, &action, &previous_term);
}

StopSignals::~StopSignals() {
  sigaction(SIGINT, &previous_int, nullptr);
  sigaction(SIGTERM, &previous_term, nullptr);
  installed = false;
}

bool StopSignals::stop_requested() const { return signals_seen.load() > 0; }

void StopSignals::set_child(pid_t process_group) { child_group = process_group; }

}  // namespace gcbench
