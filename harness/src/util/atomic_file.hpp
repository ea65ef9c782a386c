// Whole files that are either absent or complete: written to a temporary file
// beside the target, fsync'd, then renamed over it, so a kill or a full disk
// never leaves half a file under the real name.
#pragma once

#include <filesystem>
#include <string>

namespace gcbench {

// Throws std::system_error naming the file and the system's reason.
void write_file_atomically(const std::filesystem::path& file, const std::string& text);

}  // namespace gcbench
