#include "util/shell_quote.hpp"

#include <stdexcept>
#include <string_view>

#include "util/util_error.hpp"

namespace gcbench {

std::string shell_quote(const std::string& word) {
  if (word.find('\0') != std::string::npos) throw UtilError("a command-line word cannot hold a NUL byte");
  bool plain = !word.empty();
  for (const char c : word) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      std::string_view("_-./:=,+@%").find(c) != std::string_view::npos;
    if (!safe) plain = false;
  }
  if (plain) return word;
  std::string quoted = "'";
  for (const char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string shell_command(const std::vector<std::string>& words) {
  std::string command;
  for (const auto& word : words) command += (command.empty() ? "" : " ") + shell_quote(word);
  return command;
}

}  // namespace gcbench
