// SHA-256 of a file, so a record names exactly which build of a plugin (or
// which data file) produced it.
#pragma once

#include <filesystem>
#include <string>

namespace gcbench {

// Lower-case hex; throws std::system_error naming the file when it cannot be read.
std::string sha256_of_file(const std::filesystem::path& file);
// Of text in memory, e.g. a record's JSON.
std::string sha256_of_text(const std::string& text);

}  // namespace gcbench
