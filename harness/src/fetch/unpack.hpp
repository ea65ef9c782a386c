// Unpacks a downloaded archive (any format and compression libarchive reads:
// .tar.gz, .tar.xz, .zip, ...) into a dataset's folder, all or nothing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace gcbench {

class UnpackError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Every entry is first written into a temporary folder inside `root`; only
// when the whole archive was read are the top-level entries renamed into
// `root` (replacing those of the same name). A truncated or damaged archive,
// an entry that is not a file or folder, or one whose path would leave `root`
// (absolute, "..") throws UnpackError naming the archive and entry, and leaves
// `root` as it was. `strip_components` drops leading folders of each entry's
// path, as `tar --strip-components`. Returns the top-level names placed.
std::vector<std::string> unpack_archive(const std::filesystem::path& archive, const std::filesystem::path& root,
                                        int strip_components, const std::function<void(std::int64_t entries)>& progress = {});

}  // namespace gcbench
