#include "cifar_binary.hpp"

#include <ATen/core/Tensor.h>
#include <ATen/ops/empty.h>

#include <fstream>
#include <stdexcept>

namespace gcbench::cifar {
namespace fs = std::filesystem;

Records read(const fs::path& file, int label_bytes, std::int64_t num_classes, std::int64_t expected_records,
             const std::string& where_to_get_it) {
  if (!fs::exists(file)) throw std::runtime_error(file.string() + ": not found; " + where_to_get_it);
  const std::int64_t record = label_bytes + kImageBytes;
  const auto size = static_cast<std::int64_t>(fs::file_size(file));
  if (size % record != 0) {
    throw std::runtime_error(file.string() + ": " + std::to_string(size) + " bytes is not a whole number of " +
                             std::to_string(record) + "-byte records: the file is truncated or damaged; " + where_to_get_it);
  }
  const std::int64_t n = size / record;
  if (n == 0) {  // found by fuzzing: an empty file has no label to check
    throw std::runtime_error(file.string() + ": is empty; it holds no " + std::to_string(record) + "-byte record; " +
                             where_to_get_it);
  }
  if (expected_records > 0 && n != expected_records) {
    throw std::runtime_error(file.string() + ": holds " + std::to_string(n) + " records (" + std::to_string(size) +
                             " bytes), expected " + std::to_string(expected_records) + " (" +
                             std::to_string(expected_records * record) + " bytes): the file is truncated; " + where_to_get_it);
  }
  auto raw = at::empty({n, record}, at::kByte);
  std::ifstream in(file, std::ios::binary);
  if (!in.read(reinterpret_cast<char*>(raw.data_ptr<std::uint8_t>()), size)) {
    throw std::runtime_error(file.string() + ": could not be read");
  }
  Records out;
  out.labels = raw.select(1, label_bytes - 1).to(at::kLong);
  const auto largest = out.labels.max().item<std::int64_t>();
  if (largest >= num_classes) {
    throw std::runtime_error(file.string() + ": label " + std::to_string(largest) + " is not below " +
                             std::to_string(num_classes) + "; is this the right CIFAR release?");
  }
  out.images = raw.slice(1, label_bytes).reshape({n, 3, 32, 32}).contiguous();
  return out;
}

std::vector<std::string> read_names(const fs::path& file, std::size_t expected, const std::string& where_to_get_it) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error(file.string() + ": not found; " + where_to_get_it);
  std::vector<std::string> names;
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty()) names.push_back(line);
  }
  if (names.size() != expected) {
    throw std::runtime_error(file.string() + ": holds " + std::to_string(names.size()) + " class names, expected " +
                             std::to_string(expected));
  }
  return names;
}

void write(const fs::path& file, const std::vector<std::vector<std::uint8_t>>& labels,
           const std::vector<std::vector<std::uint8_t>>& images) {
  std::ofstream out(file, std::ios::binary);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    out.write(reinterpret_cast<const char*>(labels[i].data()), static_cast<std::streamsize>(labels[i].size()));
    out.write(reinterpret_cast<const char*>(images[i].data()), static_cast<std::streamsize>(images[i].size()));
  }
  if (!out) throw std::runtime_error(file.string() + ": could not be written");
}

}  // namespace gcbench::cifar
