#include "idx_file.hpp"

#include <zlib.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>

namespace gcbench::idx {
namespace {

struct GzCloser {
  void operator()(gzFile file) const { gzclose(file); }
};
using GzHandle = std::unique_ptr<gzFile_s, GzCloser>;

// Larger than any IDX data set gcbench reads (Fashion-MNIST's train images: 47 MB).
constexpr std::size_t kMaxBytes = std::size_t{1} << 34;

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& what) {
  throw std::runtime_error(file.string() + ": " + what);
}

// Reads exactly `size` bytes, or says how many were there.
void read_exactly(gzFile in, const std::filesystem::path& file, void* buffer, std::size_t size, const char* what) {
  std::size_t done = 0;
  while (done < size) {
    const unsigned chunk = static_cast<unsigned>(std::min<std::size_t>(size - done, 1u << 30));
    const int n = gzread(in, static_cast<char*>(buffer) + done, chunk);
    if (n < 0) {
      int code = 0;
      fail(file, std::string("is damaged (") + gzerror(in, &code) + ") while reading " + what + "; download or install it again");
    }
    if (n == 0) {
      fail(file, "is truncated: " + std::string(what) + " needs " + std::to_string(size) + " bytes, found " +
                     std::to_string(done) + "; download or install it again");
    }
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

ByteArray read(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file)) fail(file, "not found");
  GzHandle in(gzopen(file.c_str(), "rb"));  // reads raw files too
  if (!in) fail(file, "cannot be opened");

  unsigned char header[4];
  read_exactly(in.get(), file, header, 4, "the IDX header");
  if (header[0] != 0 || header[1] != 0) fail(file, "is not an IDX file (bad magic number)");
  if (header[2] != 0x08) fail(file, "holds IDX type " + std::to_string(header[2]) + "; only unsigned bytes (0x08) are supported");
  const int rank = header[3];
  if (rank < 1 || rank > 4) fail(file, "declares " + std::to_string(rank) + " dimensions; expected 1 to 4");

  ByteArray array;
  std::size_t total = 1;
  for (int d = 0; d < rank; ++d) {
    unsigned char size[4];
    read_exactly(in.get(), file, size, 4, "the IDX dimensions");
    const std::int64_t extent = (std::int64_t{size[0]} << 24) | (size[1] << 16) | (size[2] << 8) | size[3];
    array.dims.push_back(extent);
    const auto factor = static_cast<std::size_t>(extent);
    if (factor != 0 && total > kMaxBytes / factor) {  // total * factor > kMaxBytes, without overflowing
      fail(file, "declares an array of more than " + std::to_string(kMaxBytes) + " bytes; the header is damaged");
    }
    total *= factor;
  }
  // Grown as the data arrives, never to the header's word alone: a damaged
  // header cannot make the reader allocate more than the file holds.
  constexpr std::size_t kChunk = std::size_t{64} << 20;
  while (array.data.size() < total) {
    const std::size_t start = array.data.size();
    const std::size_t count = std::min(kChunk, total - start);
    array.data.resize(start + count);
    read_exactly(in.get(), file, array.data.data() + start, count, "the data");
  }
  char extra;
  if (gzread(in.get(), &extra, 1) > 0) fail(file, "has bytes past the declared array; the header does not match the data");
  return array;
}

void write(const std::filesystem::path& file, const ByteArray& array) {
  const bool compress = file.extension() == ".gz";
  GzHandle out(gzopen(file.c_str(), compress ? "wb6" : "wbT"));
  if (!out) fail(file, "cannot be created");
  std::vector<unsigned char> header = {0, 0, 0x08, static_cast<unsigned char>(array.dims.size())};
  for (const auto extent : array.dims) {
    for (int shift = 24; shift >= 0; shift -= 8) header.push_back(static_cast<unsigned char>(extent >> shift));
  }
  if (gzwrite(out.get(), header.data(), static_cast<unsigned>(header.size())) != static_cast<int>(header.size()) ||
      (!array.data.empty() &&
       gzwrite(out.get(), array.data.data(), static_cast<unsigned>(array.data.size())) != static_cast<int>(array.data.size()))) {
    fail(file, "could not be written");
  }
}

}  // namespace gcbench::idx
