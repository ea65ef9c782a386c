// JPEG decoding (libjpeg-turbo's TurboJPEG) into 84x84 RGB uint8 tensors, on
// several threads; and encoding, for test fixtures.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace gcbench::jpeg {

// Decodes every file to RGB and resizes it (antialiased bilinear) to size x size
// when it is not already: uint8 [N, 3, size, size]. Throws std::runtime_error
// naming the first file that is missing or cannot be decoded.
at::Tensor decode_all(const std::vector<std::filesystem::path>& files, std::int64_t size, int threads);

// Decodes a JPEG held in memory to RGB, uint8 [H, W, 3]: grayscale is spread
// to three channels, and CMYK (as Adobe writes it, inverted; a few ImageNet
// images) is converted as R = C*K/255. `what` names the image in errors.
at::Tensor decode_rgb(const std::vector<unsigned char>& bytes, const std::string& what);

// Writes an RGB image, uint8 [3, H, W], as a JPEG file.
void encode(const std::filesystem::path& file, const at::Tensor& image, int quality = 95);

}  // namespace gcbench::jpeg
