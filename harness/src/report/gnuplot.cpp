#include "report/gnuplot.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>

namespace gcbench {
namespace fs = std::filesystem;

namespace {

std::string read_all(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
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
    if (!out) throw std::runtime_error("cannot write " + gp.string());
  }
  const std::string command = fmt::format("cd {} && gnuplot {} > {} 2>&1", shell_quote(svg.parent_path().string()),
                                          shell_quote(gp.filename().string()), shell_quote(log.filename().string()));
  const int status = std::system(command.c_str());
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
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
