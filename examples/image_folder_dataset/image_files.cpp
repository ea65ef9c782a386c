#include "image_files.hpp"

#include <ATen/ATen.h>
#include <png.h>
#include <turbojpeg.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace image_folder {

namespace {

std::string lower_extension(const std::filesystem::path& file) {
  auto extension = file.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(), [](unsigned char c) { return std::tolower(c); });
  return extension;
}

// Pixels as [H, W, C] bytes, from libpng's simplified API (it converts any PNG to the format asked for).
at::Tensor decode_png(const std::filesystem::path& file, std::int64_t channels) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&image, file.c_str())) {
    throw std::runtime_error(file.string() + ": not a readable PNG (" + image.message + ")");
  }
  image.format = channels == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
  auto pixels = at::empty({image.height, image.width, channels}, at::kByte);
  if (!png_image_finish_read(&image, nullptr, pixels.data_ptr<std::uint8_t>(), 0, nullptr)) {
    const std::string message = image.message;
    png_image_free(&image);
    throw std::runtime_error(file.string() + ": a damaged PNG (" + message + ")");
  }
  return pixels;
}

std::vector<unsigned char> read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(file.string() + ": cannot be opened");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Pixels as [H, W, C] bytes, from TurboJPEG (it converts any JPEG to grey or RGB).
at::Tensor decode_jpeg(const std::filesystem::path& file, std::int64_t channels) {
  const auto bytes = read_bytes(file);
  const std::unique_ptr<void, int (*)(tjhandle)> decoder(tjInitDecompress(), &tjDestroy);
  if (!decoder) throw std::runtime_error("TurboJPEG could not start");
  const auto damaged = [&] {
    return std::runtime_error(file.string() + ": a damaged JPEG (" + tjGetErrorStr2(decoder.get()) + ")");
  };
  int width = 0, height = 0, subsampling = 0, colorspace = 0;
  if (tjDecompressHeader3(decoder.get(), bytes.data(), bytes.size(), &width, &height, &subsampling, &colorspace) != 0) {
    throw damaged();
  }
  auto pixels = at::empty({height, width, channels}, at::kByte);
  if (tjDecompress2(decoder.get(), bytes.data(), bytes.size(), pixels.data_ptr<std::uint8_t>(), width, 0, height,
                    channels == 1 ? TJPF_GRAY : TJPF_RGB, 0) != 0 &&
      tjGetErrorCode(decoder.get()) == TJERR_FATAL) {
    throw damaged();
  }
  return pixels;
}

}  // namespace

bool is_image_file(const std::filesystem::path& file) {
  const auto extension = lower_extension(file);
  return extension == ".png" || extension == ".jpg" || extension == ".jpeg";
}

at::Tensor read_image(const std::filesystem::path& file, std::int64_t channels, std::int64_t size) {
  const auto pixels = lower_extension(file) == ".png" ? decode_png(file, channels) : decode_jpeg(file, channels);
  const auto image = pixels.permute({2, 0, 1});  // [C, H, W]
  if (image.size(1) == size && image.size(2) == size) return image.contiguous();
  // Area averaging: each output pixel the mean of the input pixels it covers.
  const auto resized = at::adaptive_avg_pool2d(image.unsqueeze(0).to(at::kFloat), {size, size}).squeeze(0);
  return resized.round().clamp(0, 255).to(at::kByte);
}

}  // namespace image_folder
