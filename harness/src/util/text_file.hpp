// A whole file read as text: the counterpart of write_file_atomically.
#pragma once

#include <filesystem>
#include <string>

namespace gcbench {

// Throws std::runtime_error "<file> cannot be opened" when it cannot be read.
std::string read_text_file(const std::filesystem::path& file);

}  // namespace gcbench
