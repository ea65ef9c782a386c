#include "report/gnuplot.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace gcbench {
namespace fs = std::filesystem;

namespace {

std::string read_all(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs gnuplot on `script` inside `dir`, its output into `log`, without a shell
// (the folder's name is the user's). Returns the exit code; 127 when gnuplot is missing.
int run_gnuplot(const fs::path& dir, const fs::path& script, const fs::path& log) {
  const pid_t child = ::fork();
  if (child < 0) throw std::system_error(errno, std::generic_category(), "cannot start gnuplot");
  if (child == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (::chdir(dir.c_str()) != 0 || fd < 0 || ::dup2(fd, STDOUT_FILENO) < 0 || ::dup2(fd, STDERR_FILENO) < 0) ::_exit(126);
    ::execlp("gnuplot", "gnuplot", script.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) throw std::system_error(errno, std::generic_category(), "cannot wait for gnuplot");
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

std::string render_svg(const fs::path& svg, const std::string& script, int width, int height) {
  fs::path gp = svg;
  gp.replace_extension(".gp");
  fs::path log = svg;
  log.replace_extension(".log");
  {
    std::ofstream out(gp);
    // The output is named relative to the script, so the folder can be moved and rerun.
    out << fmt::format("set terminal svg size {},{} fixed enhanced font 'Helvetica,12' background '#ffffff'\n", width, height)
        << fmt::format("set output '{}'\n", svg.filename().string()) << script << "\nunset output\n";
    out.flush();
    if (!out) throw std::system_error(errno, std::generic_category(), "cannot write " + gp.string());
  }
  const int code = run_gnuplot(svg.parent_path(), gp.filename(), log);
  if (code == 127) {
    throw std::runtime_error("gnuplot is not installed; `gcbench report` draws its plots with it: "
                             "apt-get install gnuplot-nox (ci/setup.sh installs it)");
  }
  if (code != 0 || !fs::exists(svg)) {
    throw std::runtime_error(fmt::format("gnuplot failed on {} (exit {}): {}", gp.string(), code, read_all(log)));
  }
  fs::remove(log);
  return read_all(svg);
}

}  // namespace gcbench
