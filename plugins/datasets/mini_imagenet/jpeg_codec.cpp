#include "jpeg_codec.hpp"

#include <ATen/ATen.h>
#include <turbojpeg.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <iterator>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace gcbench::jpeg {
namespace fs = std::filesystem;

namespace {

struct Handle {
  explicit Handle(bool compress) : tj(compress ? tjInitCompress() : tjInitDecompress()) {
    if (!tj) throw std::runtime_error("TurboJPEG could not start");
  }
  ~Handle() { tjDestroy(tj); }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  tjhandle tj;
};

std::vector<unsigned char> read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(file.string() + ": not found");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// uint8 [H, W, 3]
at::Tensor decode_with(Handle& handle, const std::vector<unsigned char>& bytes, const std::string& what) {
  int width = 0, height = 0, subsampling = 0, colorspace = 0;
  const auto fail = [&] {
    throw std::runtime_error(what + ": not a decodable JPEG (" + tjGetErrorStr2(handle.tj) +
                             "); replace it with an RGB JPEG of the same name");
  };
  if (tjDecompressHeader3(handle.tj, bytes.data(), bytes.size(), &width, &height, &subsampling, &colorspace) != 0) fail();
  const bool cmyk = colorspace == TJCS_CMYK || colorspace == TJCS_YCCK;
  auto pixels = at::empty({height, width, cmyk ? 4 : 3}, at::kByte);
  if (tjDecompress2(handle.tj, bytes.data(), bytes.size(), pixels.data_ptr<std::uint8_t>(), width, 0, height,
                    cmyk ? TJPF_CMYK : TJPF_RGB, TJFLAG_ACCURATEDCT) != 0 &&
      tjGetErrorCode(handle.tj) == TJERR_FATAL) {
    fail();
  }
  if (!cmyk) return pixels;
  const auto ink = pixels.to(at::kInt);
  const auto black = ink.narrow(2, 3, 1);
  return (ink.narrow(2, 0, 3) * black).div(255, "floor").to(at::kByte).contiguous();
}

// uint8 [3, size, size]
at::Tensor decode_one(Handle& handle, const fs::path& file, std::int64_t size) {
  auto image = decode_with(handle, read_bytes(file), file.string()).permute({2, 0, 1});
  const auto height = image.size(1), width = image.size(2);
  if (height == size && width == size) return image.contiguous();
  const auto resized = at::_upsample_bilinear2d_aa(image.unsqueeze(0).to(at::kFloat), {size, size}, false);
  return resized.squeeze(0).round_().clamp_(0, 255).to(at::kByte);
}

}  // namespace

at::Tensor decode_all(const std::vector<fs::path>& files, std::int64_t size, int threads) {
  auto out = at::empty({static_cast<std::int64_t>(files.size()), 3, size, size}, at::kByte);
  std::atomic<std::size_t> next{0};
  std::mutex failure_lock;
  std::string failure;
  const auto work = [&] {
    Handle handle(false);
    for (std::size_t i = next++; i < files.size(); i = next++) {
      try {
        out[static_cast<std::int64_t>(i)].copy_(decode_one(handle, files[i], size));
      } catch (const std::exception& error) {
        std::lock_guard<std::mutex> lock(failure_lock);
        if (failure.empty()) failure = error.what();
        next = files.size();
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < std::max(1, threads); ++t) pool.emplace_back(work);
  work();
  for (auto& thread : pool) thread.join();
  if (!failure.empty()) throw std::runtime_error(failure);
  return out;
}

at::Tensor decode_rgb(const std::vector<unsigned char>& bytes, const std::string& what) {
  thread_local Handle handle(false);
  return decode_with(handle, bytes, what);
}

void encode(const fs::path& file, const at::Tensor& image, int quality) {
  Handle handle(true);
  const auto hwc = image.permute({1, 2, 0}).contiguous();
  unsigned char* buffer = nullptr;
  unsigned long length = 0;
  if (tjCompress2(handle.tj, hwc.data_ptr<std::uint8_t>(), static_cast<int>(hwc.size(1)), 0, static_cast<int>(hwc.size(0)),
                  TJPF_RGB, &buffer, &length, TJSAMP_444, quality, 0) != 0) {
    throw std::runtime_error(file.string() + ": could not be encoded (" + tjGetErrorStr2(handle.tj) + ")");
  }
  std::ofstream out(file, std::ios::binary);
  out.write(reinterpret_cast<const char*>(buffer), static_cast<std::streamsize>(length));
  tjFree(buffer);
  if (!out) throw std::runtime_error(file.string() + ": could not be written");
}

}  // namespace gcbench::jpeg
