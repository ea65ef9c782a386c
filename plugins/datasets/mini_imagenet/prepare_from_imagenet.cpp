#include "prepare_from_imagenet.hpp"

#include <ATen/core/Tensor.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <iterator>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "area_resize.hpp"
#include "csv_split.hpp"
#include "imagenet_source.hpp"
#include "jpeg_codec.hpp"
#include "split_files.hpp"

namespace gcbench::mini_imagenet {
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kImageSize = 84;
constexpr int kJpegQuality = 95;

// n0153282900000005.jpg: class n01532829, index 5.
bool parse_name(const std::string& file, std::string& wnid, std::int64_t& index) {
  if (file.size() != 21 || file[0] != 'n' || file.compare(17, 4, ".jpg") != 0) return false;
  for (std::size_t i = 1; i < 17; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(file[i]))) return false;
  }
  wnid = file.substr(0, 9);
  index = std::stoll(file.substr(9, 8));
  return true;
}

WantedImages wanted_images(const fs::path& split_folder, std::int64_t& total) {
  WantedImages wanted;
  for (const char* name : kSplitCsvs) {
    for (const auto& row : read_rows(split_folder / name)) {
      std::string wnid;
      std::int64_t index = 0;
      if (!parse_name(row.file, wnid, index) || index < 1) {
        throw std::runtime_error(row.where + ": '" + row.file +
                                 "' is not a mini-ImageNet image name (a class id and an 8-digit index from 1, e.g. "
                                 "n0153282900000005.jpg)");
      }
      if (row.label != wnid) {
        throw std::runtime_error(row.where + ": image " + row.file + " is labelled " + row.label + ", not its class " + wnid);
      }
      wanted[wnid].push_back({index, row.file, row.where});
      ++total;
    }
  }
  return wanted;
}

std::vector<unsigned char> read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(file.string() + ": cannot be read");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Decodes, resizes and writes one class's images on `threads` threads; the
// calling thread reports progress meanwhile.
void convert_all(std::vector<SourceImage> batch, const fs::path& images, const PrepareRequest& request,
                 std::atomic<std::int64_t>& done, std::int64_t total) {
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex failure_lock;
  std::string failure;
  const auto work = [&] {
    for (std::size_t i = next++; i < batch.size() && !stop; i = next++) {
      try {
        auto& image = batch[i];
        const auto bytes = image.file.empty() ? std::move(image.bytes) : read_file(image.file);
        const auto small = area_resize(jpeg::decode_rgb(bytes, image.what), kImageSize);
        // Written under a temporary name, renamed when whole: no half-written image under its final name.
        const fs::path partial = images / (image.output + ".partial");
        jpeg::encode(partial, small, kJpegQuality);
        fs::rename(partial, images / image.output);
        ++done;
      } catch (const std::exception& error) {
        std::lock_guard<std::mutex> lock(failure_lock);
        if (failure.empty()) failure = error.what();
        stop = true;
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < std::max(1, request.threads); ++t) pool.emplace_back(work);
  bool finished = false;
  std::mutex finished_lock;
  std::condition_variable finished_signal;
  std::thread reporter([&] {
    std::unique_lock<std::mutex> lock(finished_lock);
    while (!finished_signal.wait_for(lock, std::chrono::milliseconds(250), [&] { return finished; })) {
      if (request.progress) request.progress(done, total);
    }
  });
  for (auto& thread : pool) thread.join();
  {
    std::lock_guard<std::mutex> lock(finished_lock);
    finished = true;
  }
  finished_signal.notify_one();
  reporter.join();
  if (!failure.empty()) throw std::runtime_error(failure);
}

}  // namespace

void prepare_from_imagenet(const PrepareRequest& request, const fs::path& shipped_split) {
  std::int64_t total = 0;
  const auto wanted = wanted_images(find_split_files(request.root, shipped_split).folder, total);
  const fs::path images = request.root / "images";
  fs::create_directories(images);
  std::atomic<std::int64_t> done{0};
  for_each_class(request.source, wanted,
                 [&](std::vector<SourceImage> batch) { convert_all(std::move(batch), images, request, done, total); });
  if (request.progress) request.progress(done, total);
}

}  // namespace gcbench::mini_imagenet
