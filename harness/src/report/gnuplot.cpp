#include "report/gnuplot.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <fstream>
#include <stdexcept>
#include <system_error>

#include "util/child_process.hpp"
#include "util/text_file.hpp"

namespace gcbench {
namespace fs = std::filesystem;

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
  // Without a shell: the folder's name is the user's.
  ChildOptions options;
  options.working_directory = svg.parent_path();
  options.output_file = log;
  options.search_path = true;
  const ChildExit exit = run_child({"gnuplot", gp.filename().string()}, options);
  const int code = exit.exit_code.value_or(-1);
  if (code == 127) {
    throw std::runtime_error(
        "gnuplot is not installed; `gcbench report` draws its plots with it: "
        "apt-get install gnuplot-nox (ci/setup.sh installs it)");
  }
  if (code != 0 || !fs::exists(svg)) {
    throw std::runtime_error(fmt::format("gnuplot failed on {} (exit {}): {}", gp.string(), code, read_text_file(log)));
  }
  fs::remove(log);
  return read_text_file(svg);
}

}  // namespace gcbench
