// A folder of images per class, in the files people keep their own images in
// (PNG and JPEG), for the image_folder example dataset.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace gcbench::testing {

// Writes uint8 [C, H, W] (C = 1 grey, 3 RGB) as a PNG file, through libpng.
void write_png(const std::filesystem::path& file, const at::Tensor& image);

// ROOT/<class>/<nnn>.png|jpg: `per_class` images of each class, each a class
// colour plus noise; the classes alternate PNG (even) and JPEG (odd) files, and
// their sizes vary (size, size + 8), so a reader must decode both and resize.
void write_image_folder_fixture(const std::filesystem::path& root, const std::vector<std::string>& classes,
                                std::int64_t per_class, std::int64_t size);

}  // namespace gcbench::testing
