// JPEG decoding (libjpeg-turbo's TurboJPEG) into 84x84 RGB uint8 tensors, on
// several threads; and encoding, for test fixtures.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <filesystem>
#include <vector>

namespace gcbench::jpeg {

// Decodes every file to RGB and resizes it (antialiased bilinear) to size x size
// when it is not already: uint8 [N, 3, size, size]. Throws std::runtime_error
// naming the first file that is missing or cannot be decoded.
at::Tensor decode_all(const std::vector<std::filesystem::path>& files, std::int64_t size, int threads);

// Writes an RGB image, uint8 [3, H, W], as a JPEG file.
void encode(const std::filesystem::path& file, const at::Tensor& image, int quality = 95);

}  // namespace gcbench::jpeg
