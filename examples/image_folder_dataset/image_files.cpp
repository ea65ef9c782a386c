#include "image_files.hpp"

#include <ATen/ATen.h>
#include <jpeglib.h>
#include <png.h>

#include <algorithm>
#include <cctype>
#include <csetjmp>
#include <cstdio>
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

// libjpeg reports errors through a callback that must not return: it jumps back here.
struct JpegError {
  jpeg_error_mgr manager;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

at::Tensor decode_jpeg(const std::filesystem::path& file, std::int64_t channels) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> input(std::fopen(file.c_str(), "rb"), &std::fclose);
  if (!input) throw std::runtime_error(file.string() + ": cannot be opened");
  jpeg_decompress_struct decoder{};
  JpegError error{};
  decoder.err = jpeg_std_error(&error.manager);
  error.manager.error_exit = [](j_common_ptr common) {
    auto* self = reinterpret_cast<JpegError*>(common->err);
    (*common->err->format_message)(common, self->message);
    std::longjmp(self->jump, 1);
  };
  at::Tensor pixels;
  if (setjmp(error.jump)) {
    jpeg_destroy_decompress(&decoder);
    throw std::runtime_error(file.string() + ": a damaged JPEG (" + error.message + ")");
  }
  jpeg_create_decompress(&decoder);
  jpeg_stdio_src(&decoder, input.get());
  jpeg_read_header(&decoder, TRUE);
  decoder.out_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;  // libjpeg converts
  jpeg_start_decompress(&decoder);
  pixels = at::empty({decoder.output_height, decoder.output_width, channels}, at::kByte);
  const auto stride = static_cast<std::size_t>(decoder.output_width) * static_cast<std::size_t>(channels);
  while (decoder.output_scanline < decoder.output_height) {
    JSAMPROW row = pixels.data_ptr<std::uint8_t>() + decoder.output_scanline * stride;
    jpeg_read_scanlines(&decoder, &row, 1);
  }
  jpeg_finish_decompress(&decoder);
  jpeg_destroy_decompress(&decoder);
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
