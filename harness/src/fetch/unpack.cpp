#include "fetch/unpack.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>
#include <unistd.h>

#include <memory>

namespace gcbench {
namespace fs = std::filesystem;

namespace {

using Reader = std::unique_ptr<archive, decltype(&archive_read_free)>;
using Writer = std::unique_ptr<archive, decltype(&archive_write_free)>;

// Removes the temporary folder unless the unpacking finished.
struct TemporaryFolder {
  fs::path path;
  ~TemporaryFolder() {
    std::error_code ignored;
    if (!path.empty()) fs::remove_all(path, ignored);
  }
};

// The entry's path without its first `strip` folders; empty when nothing is
// left. Throws for a path that would leave the folder it is unpacked into.
fs::path relative_entry_path(const fs::path& archive_file, const std::string& name, int strip) {
  const fs::path path(name);
  if (path.is_absolute()) {
    throw UnpackError(
        fmt::format("{}: entry '{}' has an absolute path; gcbench unpacks only relative paths", archive_file.string(), name));
  }
  fs::path kept;
  int dropped = 0;
  for (const auto& part : path) {
    if (part == "..") {
      throw UnpackError(fmt::format("{}: entry '{}' climbs out of its folder ('..'); the archive is not safe to unpack",
                                    archive_file.string(), name));
    }
    if (part.empty() || part == ".") continue;
    if (dropped < strip) {
      ++dropped;
      continue;
    }
    kept /= part;
  }
  return kept;
}

std::string reader_error(archive* reader, const fs::path& archive_file, const std::string& entry) {
  const char* why = archive_error_string(reader);
  return fmt::format("{}: {}{}; the archive is truncated or damaged: remove it and fetch it again", archive_file.string(),
                     entry.empty() ? "" : "at entry '" + entry + "': ", why ? why : "cannot be read");
}

}  // namespace

std::vector<std::string> unpack_archive(const fs::path& archive_file, const fs::path& root, int strip_components,
                                        const std::function<void(std::int64_t)>& progress) {
  fs::create_directories(root);
  TemporaryFolder unpacking{root / fmt::format(".gcbench-unpack-{}", ::getpid())};
  fs::remove_all(unpacking.path);
  fs::create_directories(unpacking.path);

  Reader reader(archive_read_new(), archive_read_free);
  archive_read_support_filter_all(reader.get());
  archive_read_support_format_all(reader.get());
  if (archive_read_open_filename(reader.get(), archive_file.c_str(), 1 << 16) != ARCHIVE_OK) {
    throw UnpackError(reader_error(reader.get(), archive_file, ""));
  }
  Writer writer(archive_write_disk_new(), archive_write_free);
  // Entries are checked above (relative, no "..", files and folders only) and
  // then given absolute paths inside the temporary folder, so libarchive's own
  // absolute-path and symlink guards would refuse every one of them.
  archive_write_disk_set_options(writer.get(), ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_SECURE_NODOTDOT);
  std::int64_t entries = 0;
  for (;;) {
    archive_entry* entry = nullptr;
    const int status = archive_read_next_header(reader.get(), &entry);
    if (status == ARCHIVE_EOF) break;
    if (status < ARCHIVE_WARN) throw UnpackError(reader_error(reader.get(), archive_file, ""));
    const std::string name = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
    const auto type = archive_entry_filetype(entry);
    if (type != AE_IFREG && type != AE_IFDIR) {
      throw UnpackError(fmt::format("{}: entry '{}' is a link or special file; gcbench unpacks only files and folders",
                                    archive_file.string(), name));
    }
    const fs::path relative = relative_entry_path(archive_file, name, strip_components);
    if (relative.empty()) continue;
    const fs::path target = unpacking.path / relative;
    archive_entry_set_pathname(entry, target.c_str());
    archive_entry_set_perm(entry, type == AE_IFDIR ? 0755 : 0644);
    if (archive_write_header(writer.get(), entry) < ARCHIVE_WARN) {
      throw UnpackError(
          fmt::format("{}: cannot write '{}': {}", archive_file.string(), target.string(), archive_error_string(writer.get())));
    }
    const void* block = nullptr;
    std::size_t size = 0;
    la_int64_t offset = 0;
    for (;;) {
      const int read = archive_read_data_block(reader.get(), &block, &size, &offset);
      if (read == ARCHIVE_EOF) break;
      if (read < ARCHIVE_WARN) throw UnpackError(reader_error(reader.get(), archive_file, name));
      if (archive_write_data_block(writer.get(), block, size, offset) < ARCHIVE_WARN) {
        throw UnpackError(fmt::format("{}: cannot write '{}': {} (disk full?)", archive_file.string(), target.string(),
                                      archive_error_string(writer.get())));
      }
    }
    if (archive_write_finish_entry(writer.get()) < ARCHIVE_WARN) {
      throw UnpackError(
          fmt::format("{}: cannot finish '{}': {}", archive_file.string(), target.string(), archive_error_string(writer.get())));
    }
    if (progress) progress(++entries);
  }
  if (archive_write_close(writer.get()) != ARCHIVE_OK) {
    throw UnpackError(fmt::format("{}: cannot finish unpacking: {}", archive_file.string(), archive_error_string(writer.get())));
  }

  std::vector<std::string> placed;
  for (const auto& item : fs::directory_iterator(unpacking.path)) placed.push_back(item.path().filename().string());
  if (placed.empty()) throw UnpackError(fmt::format("{}: holds no files", archive_file.string()));
  for (const auto& name : placed) {
    const fs::path target = root / name;
    fs::remove_all(target);
    fs::rename(unpacking.path / name, target);
  }
  return placed;
}

}  // namespace gcbench
