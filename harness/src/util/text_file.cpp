#include "util/text_file.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace gcbench {

std::string read_text_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(file.string() + " cannot be opened");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace gcbench
