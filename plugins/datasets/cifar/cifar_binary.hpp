// The CIFAR binary releases: fixed-size records of label byte(s) then a 32x32
// RGB image as 1024 R, 1024 G, 1024 B bytes, row-major.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace gcbench::cifar {

inline constexpr std::int64_t kImageBytes = std::int64_t{3} * 32 * 32;

struct Records {
  at::Tensor images;  // uint8 [N, 3, 32, 32]
  at::Tensor labels;  // int64 [N]: the last label byte (CIFAR-100: the fine label)
};

// label_bytes: 1 for CIFAR-10, 2 for CIFAR-100 (coarse, fine). Throws
// std::runtime_error naming the file when it is missing, is not a whole number
// of records, holds `expected_records` != its count (when > 0), or has a label
// >= num_classes.
Records read(const std::filesystem::path& file, int label_bytes, std::int64_t num_classes, std::int64_t expected_records,
             const std::string& where_to_get_it);

// One name per line, as fine_label_names.txt and batches.meta.txt hold them.
std::vector<std::string> read_names(const std::filesystem::path& file, std::size_t expected, const std::string& where_to_get_it);

// Writes records in the same format (test fixtures).
void write(const std::filesystem::path& file, const std::vector<std::vector<std::uint8_t>>& labels,
           const std::vector<std::vector<std::uint8_t>>& images);

}  // namespace gcbench::cifar
