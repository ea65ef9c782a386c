// A decoded-image cache: uint8 [N, 3, S, S] in one file, keyed by a fingerprint of
// the sources (the CSV's bytes and every image's size and modification time), so
// later runs skip JPEG decoding and a changed source rebuilds it.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace gcbench::image_cache {

// Throws std::runtime_error naming csv_row(i) for an image that does not exist.
std::string fingerprint(const std::filesystem::path& csv, const std::vector<std::filesystem::path>& images,
                        const std::vector<std::string>& csv_rows);

// The cached tensor, or nothing when the file is absent, damaged or made from other sources.
std::optional<at::Tensor> read(const std::filesystem::path& file, const std::string& fingerprint);

// Writes atomically (a temporary file, then rename). Returns false when the folder is not writable.
bool write(const std::filesystem::path& file, const std::string& fingerprint, const at::Tensor& images);

}  // namespace gcbench::image_cache
