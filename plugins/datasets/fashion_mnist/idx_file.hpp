// The IDX format of MNIST and Fashion-MNIST (unsigned-byte arrays), gzip'd or raw.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace gcbench::idx {

struct ByteArray {
  std::vector<std::int64_t> dims;  // e.g. {60000, 28, 28}
  std::vector<std::uint8_t> data;  // row-major, product(dims) bytes
};

// Throws std::runtime_error naming the file for a missing, damaged or truncated file.
ByteArray read(const std::filesystem::path& file);

// Writes a gzip'd (".gz") or raw IDX file: test fixtures use it.
void write(const std::filesystem::path& file, const ByteArray& array);

}  // namespace gcbench::idx
