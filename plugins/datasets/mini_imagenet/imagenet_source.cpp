#include "imagenet_source.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <memory>
#include <set>
#include <stdexcept>

namespace gcbench::mini_imagenet {
namespace fs = std::filesystem;

namespace {

using Reader = std::unique_ptr<archive, decltype(&archive_read_free)>;

// Hands `take` each wanted image of one class and its file name, given the
// class's file names sorted; `where` names the folder or tar for messages.
template <typename Take>
void select(const std::string& wnid, const std::vector<WantedImage>& wanted, const std::vector<std::string>& sorted,
            const std::string& where, Take take) {
  for (const auto& image : wanted) {
    if (image.index < 1 || image.index > static_cast<std::int64_t>(sorted.size())) {
      throw std::runtime_error(image.where + ": wants image " + std::to_string(image.index) + " of class " + wnid + ", but " +
                               where + " holds " + std::to_string(sorted.size()) +
                               " files of it; is this ImageNet's (ILSVRC2012) training set, complete?");
    }
    take(sorted[static_cast<std::size_t>(image.index - 1)], image);
  }
}

void from_folder(const fs::path& source, const WantedImages& wanted,
                 const std::function<void(std::vector<SourceImage>)>& convert) {
  for (const auto& [wnid, images] : wanted) {
    const fs::path folder = source / wnid;
    if (!fs::is_directory(folder)) {
      throw std::runtime_error(folder.string() + ": class folder not found (wanted by " + images.front().where +
                               "); give ImageNet's training folder, which holds one nXXXXXXXX/ folder per class");
    }
    std::vector<std::string> names;
    for (const auto& item : fs::directory_iterator(folder)) {
      if (item.is_regular_file()) names.push_back(item.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    std::vector<SourceImage> batch;
    select(wnid, images, names, folder.string(), [&](const std::string& name, const WantedImage& image) {
      batch.push_back({(folder / name).string(), folder / name, {}, image.output});
    });
    convert(std::move(batch));
  }
}

std::string reader_error(archive* reader, const std::string& what) {
  const char* why = archive_error_string(reader);
  return what + ": " + (why ? why : "cannot be read") + "; the tar is truncated or damaged";
}

std::vector<unsigned char> entry_bytes(archive* reader, archive_entry* entry, const std::string& what) {
  std::vector<unsigned char> bytes(static_cast<std::size_t>(std::max<la_int64_t>(0, archive_entry_size(entry))));
  std::size_t have = 0;
  for (;;) {
    if (have == bytes.size()) bytes.resize(std::max<std::size_t>(bytes.size() * 2, 1 << 16));
    const auto read = archive_read_data(reader, bytes.data() + have, bytes.size() - have);
    if (read < 0) throw std::runtime_error(reader_error(reader, what));
    if (read == 0) break;
    have += static_cast<std::size_t>(read);
  }
  bytes.resize(have);
  return bytes;
}

std::string base_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// One class's tar, in memory: its files sorted by name, and the wanted ones' bytes.
std::vector<SourceImage> from_class_tar(const std::vector<unsigned char>& tar, const std::string& what, const std::string& wnid,
                                        const std::vector<WantedImage>& wanted) {
  std::map<std::string, std::vector<unsigned char>> files;
  Reader reader(archive_read_new(), archive_read_free);
  archive_read_support_format_tar(reader.get());
  if (archive_read_open_memory(reader.get(), tar.data(), tar.size()) != ARCHIVE_OK) {
    throw std::runtime_error(reader_error(reader.get(), what));
  }
  archive_entry* entry = nullptr;
  int status = ARCHIVE_OK;
  while ((status = archive_read_next_header(reader.get(), &entry)) == ARCHIVE_OK) {
    if (archive_entry_filetype(entry) != AE_IFREG) continue;
    const std::string name = base_name(archive_entry_pathname(entry));
    files[name] = entry_bytes(reader.get(), entry, what + "/" + name);
  }
  if (status != ARCHIVE_EOF) throw std::runtime_error(reader_error(reader.get(), what));
  std::vector<std::string> sorted;
  sorted.reserve(files.size());
  for (const auto& item : files) sorted.push_back(item.first);  // a std::map iterates in name order
  std::vector<SourceImage> batch;
  select(wnid, wanted, sorted, what, [&](const std::string& name, const WantedImage& image) {
    batch.push_back({what + "/" + name, {}, files[name], image.output});
  });
  return batch;
}

void from_tar(const fs::path& source, const WantedImages& wanted, const std::function<void(std::vector<SourceImage>)>& convert) {
  Reader reader(archive_read_new(), archive_read_free);
  archive_read_support_filter_all(reader.get());
  archive_read_support_format_tar(reader.get());
  if (archive_read_open_filename(reader.get(), source.c_str(), 1 << 20) != ARCHIVE_OK) {
    throw std::runtime_error(reader_error(reader.get(), source.string()));
  }
  std::set<std::string> seen;
  archive_entry* entry = nullptr;
  int status = ARCHIVE_OK;
  while ((status = archive_read_next_header(reader.get(), &entry)) == ARCHIVE_OK) {
    const std::string path = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
    const std::string name = base_name(path);
    const std::string wnid = name.size() > 4 ? name.substr(0, name.size() - 4) : "";
    if (name.size() <= 4 || name.compare(name.size() - 4, 4, ".tar") != 0) {
      if (archive_entry_filetype(entry) == AE_IFREG && wanted.count(name.substr(0, 9)) && path.find('/') != std::string::npos) {
        throw std::runtime_error(source.string() + ": holds class folders (" + path +
                                 "), not one nXXXXXXXX.tar per class "
                                 "as ILSVRC2012_img_train.tar does; unpack it and give the folder");
      }
      continue;
    }
    const auto found = wanted.find(wnid);
    if (found == wanted.end()) continue;
    const std::string what = source.string() + "/" + path;
    convert(from_class_tar(entry_bytes(reader.get(), entry, what), what, wnid, found->second));
    seen.insert(wnid);
  }
  if (status != ARCHIVE_EOF) throw std::runtime_error(reader_error(reader.get(), source.string()));
  for (const auto& [wnid, images] : wanted) {
    if (!seen.count(wnid)) {
      throw std::runtime_error(source.string() + ": holds no " + wnid + ".tar (class " + wnid + ", wanted by " +
                               images.front().where + "); give ImageNet's (ILSVRC2012) training tar or folder");
    }
  }
}

}  // namespace

void for_each_class(const fs::path& source, const WantedImages& wanted,
                    const std::function<void(std::vector<SourceImage>)>& convert) {
  if (fs::is_directory(source)) return from_folder(source, wanted, convert);
  if (fs::is_regular_file(source)) return from_tar(source, wanted, convert);
  throw std::runtime_error(source.string() +
                           ": not found; give ImageNet's training folder (nXXXXXXXX/ class folders) "
                           "or ILSVRC2012_img_train.tar");
}

}  // namespace gcbench::mini_imagenet
