#include "image_cache.hpp"

#include <ATen/core/Tensor.h>
#include <ATen/ops/empty.h>

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <system_error>

namespace gcbench::image_cache {
namespace fs = std::filesystem;

namespace {
constexpr char kMagic[8] = {'G', 'C', 'B', 'I', 'M', 'G', '0', '1'};

std::uint64_t fnv1a(std::uint64_t hash, const void* data, std::size_t size) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < size; ++i) {
    hash ^= bytes[i];
    hash *= 1099511628211ULL;
  }
  return hash;
}
}  // namespace

std::string fingerprint(const fs::path& csv, const std::vector<fs::path>& images, const std::vector<std::string>& csv_rows) {
  std::ifstream in(csv, std::ios::binary);
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  std::uint64_t hash = fnv1a(1469598103934665603ULL, text.data(), text.size());
  for (std::size_t i = 0; i < images.size(); ++i) {
    std::error_code ec;
    const auto size = fs::file_size(images[i], ec);
    if (ec) throw std::runtime_error(csv_rows[i] + " names " + images[i].string() + ", which does not exist");
    const auto modified = fs::last_write_time(images[i], ec).time_since_epoch().count();
    hash = fnv1a(hash, &size, sizeof(size));
    hash = fnv1a(hash, &modified, sizeof(modified));
  }
  return std::to_string(hash);
}

std::optional<at::Tensor> read(const fs::path& file, const std::string& fingerprint) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  char magic[8];
  std::uint64_t key_length = 0;
  std::int64_t shape[4];
  if (!in.read(magic, 8) || !std::equal(magic, magic + 8, kMagic)) return std::nullopt;
  if (!in.read(reinterpret_cast<char*>(&key_length), sizeof(key_length)) || key_length > 4096) return std::nullopt;
  std::string key(key_length, '\0');
  if (!in.read(key.data(), static_cast<std::streamsize>(key_length)) || key != fingerprint) return std::nullopt;
  if (!in.read(reinterpret_cast<char*>(shape), sizeof(shape))) return std::nullopt;
  auto images = at::empty({shape[0], shape[1], shape[2], shape[3]}, at::kByte);
  if (!in.read(reinterpret_cast<char*>(images.data_ptr<std::uint8_t>()), static_cast<std::streamsize>(images.numel()))) {
    return std::nullopt;  // truncated: rebuilt by the caller
  }
  return images;
}

bool write(const fs::path& file, const std::string& fingerprint, const at::Tensor& images) {
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  const fs::path partial = file.string() + ".partial";
  {
    std::ofstream out(partial, std::ios::binary);
    if (!out) return false;
    const auto contiguous = images.contiguous();
    const std::uint64_t key_length = fingerprint.size();
    const std::int64_t shape[4] = {contiguous.size(0), contiguous.size(1), contiguous.size(2), contiguous.size(3)};
    out.write(kMagic, 8);
    out.write(reinterpret_cast<const char*>(&key_length), sizeof(key_length));
    out.write(fingerprint.data(), static_cast<std::streamsize>(key_length));
    out.write(reinterpret_cast<const char*>(shape), sizeof(shape));
    out.write(reinterpret_cast<const char*>(contiguous.data_ptr<std::uint8_t>()),
              static_cast<std::streamsize>(contiguous.numel()));
    if (!out) return false;
  }
  fs::rename(partial, file, ec);
  return !ec;
}

}  // namespace gcbench::image_cache
