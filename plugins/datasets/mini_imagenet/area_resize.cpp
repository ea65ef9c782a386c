#include "area_resize.hpp"

#include <ATen/core/Tensor.h>
#include <ATen/ops/empty.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace gcbench::mini_imagenet {
namespace {

struct Tap {
  std::int64_t source;
  float weight;
};

// For each of `out` output pixels, the source pixels under its footprint
// [i * scale, (i + 1) * scale) and the share of the footprint each covers.
std::vector<std::vector<Tap>> footprints(std::int64_t in, std::int64_t out) {
  const double scale = static_cast<double>(in) / static_cast<double>(out);
  std::vector<std::vector<Tap>> taps(static_cast<std::size_t>(out));
  for (std::int64_t i = 0; i < out; ++i) {
    const double begin = static_cast<double>(i) * scale, end = begin + scale;
    for (auto s = static_cast<std::int64_t>(std::floor(begin)); s < in && static_cast<double>(s) < end; ++s) {
      const double covered = std::min(end, static_cast<double>(s + 1)) - std::max(begin, static_cast<double>(s));
      if (covered > 1e-12) taps[static_cast<std::size_t>(i)].push_back({s, static_cast<float>(covered / scale)});
    }
  }
  return taps;
}

}  // namespace

at::Tensor area_resize(const at::Tensor& image, std::int64_t size) {
  const auto source = image.contiguous();
  const std::int64_t height = source.size(0), width = source.size(1), channels = source.size(2);
  const auto rows = footprints(height, size), columns = footprints(width, size);
  const std::uint8_t* in = source.data_ptr<std::uint8_t>();
  // Columns first, into a float image [height, size, channels], then rows.
  std::vector<float> narrowed(static_cast<std::size_t>(height * size * channels), 0.0f);
  for (std::int64_t y = 0; y < height; ++y) {
    for (std::int64_t x = 0; x < size; ++x) {
      float* out = &narrowed[static_cast<std::size_t>((y * size + x) * channels)];
      for (const auto& tap : columns[static_cast<std::size_t>(x)]) {
        const std::uint8_t* pixel = in + (y * width + tap.source) * channels;
        for (std::int64_t c = 0; c < channels; ++c) out[c] += tap.weight * static_cast<float>(pixel[c]);
      }
    }
  }
  auto result = at::empty({channels, size, size}, at::kByte);
  std::uint8_t* out = result.data_ptr<std::uint8_t>();
  std::vector<float> sum(static_cast<std::size_t>(channels));
  for (std::int64_t y = 0; y < size; ++y) {
    for (std::int64_t x = 0; x < size; ++x) {
      std::fill(sum.begin(), sum.end(), 0.0f);
      for (const auto& tap : rows[static_cast<std::size_t>(y)]) {
        const float* pixel = &narrowed[static_cast<std::size_t>((tap.source * size + x) * channels)];
        for (std::int64_t c = 0; c < channels; ++c) sum[static_cast<std::size_t>(c)] += tap.weight * pixel[c];
      }
      for (std::int64_t c = 0; c < channels; ++c) {
        const float value = std::round(sum[static_cast<std::size_t>(c)]);
        out[(c * size + y) * size + x] = static_cast<std::uint8_t>(std::clamp(value, 0.0f, 255.0f));
      }
    }
  }
  return result;
}

}  // namespace gcbench::mini_imagenet
