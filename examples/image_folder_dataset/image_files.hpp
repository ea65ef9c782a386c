// Reading one PNG or JPEG file into a uint8 [C, H, W] tensor, converted to the
// channel count asked for and resized to size x size.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <filesystem>

namespace image_folder {

// True for the file names this dataset reads: .png, .jpg, .jpeg (any case).
bool is_image_file(const std::filesystem::path& file);

// Decodes `file` as grey (channels 1) or RGB (channels 3), then resizes it to
// size x size by area averaging. Throws std::runtime_error naming the file if
// it cannot be read or decoded.
at::Tensor read_image(const std::filesystem::path& file, std::int64_t channels, std::int64_t size);

}  // namespace image_folder
