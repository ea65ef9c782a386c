#include "support/image_folder_fixture.hpp"

#include <ATen/ATen.h>
#include <fmt/format.h>
#include <png.h>

#include <stdexcept>

#include "jpeg_codec.hpp"

namespace gcbench::testing {

namespace fs = std::filesystem;

void write_png(const fs::path& file, const at::Tensor& image) {
  const auto pixels = image.permute({1, 2, 0}).contiguous();  // [H, W, C], as PNG rows are
  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  png.width = static_cast<png_uint_32>(image.size(2));
  png.height = static_cast<png_uint_32>(image.size(1));
  png.format = image.size(0) == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
  if (!png_image_write_to_file(&png, file.c_str(), 0, pixels.data_ptr<std::uint8_t>(), 0, nullptr)) {
    throw std::runtime_error(fmt::format("{}: cannot write a PNG ({})", file.string(), png.message));
  }
}

void write_image_folder_fixture(const fs::path& root, const std::vector<std::string>& classes, std::int64_t per_class,
                                std::int64_t size) {
  const auto generator = at::detail::createCPUGenerator(5);
  for (std::size_t c = 0; c < classes.size(); ++c) {
    const auto folder = root / classes[c];
    fs::create_directories(folder);
    const auto colour = at::tensor({static_cast<int>(40 + 30 * c % 200), static_cast<int>(200 - 25 * c % 180), 90}, at::kInt);
    for (std::int64_t i = 0; i < per_class; ++i) {
      const auto side = size + (i % 2) * 8;
      auto image = colour.view({3, 1, 1}).expand({3, side, side}) + at::randint(-40, 41, {3, side, side}, generator, at::kInt);
      image = image.clamp(0, 255).to(at::kByte);
      if (c % 2 == 0) {
        write_png(folder / fmt::format("{:03d}.png", i), image);
      } else {
        gcbench::jpeg::encode(folder / fmt::format("{:03d}.jpg", i), image);
      }
    }
  }
}

}  // namespace gcbench::testing
