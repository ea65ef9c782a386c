#include "support/fixtures.hpp"

#include <fstream>
#include <random>
#include <stdexcept>

#include "idx_file.hpp"

namespace gcbench::testing {
namespace fs = std::filesystem;

TempDir::TempDir(const std::string& label) {
  static std::mt19937_64 names(std::random_device{}());
  path_ = fs::temp_directory_path() / (label + "-" + std::to_string(names()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

namespace {
void write_split(const fs::path& folder, const std::string& prefix, std::int64_t per_class, std::uint64_t seed) {
  std::mt19937_64 noise(seed);
  std::uniform_int_distribution<int> pixel(0, 60);
  idx::ByteArray images{{per_class * 10, 28, 28}, {}};
  idx::ByteArray labels{{per_class * 10}, {}};
  for (std::int64_t i = 0; i < per_class * 10; ++i) {
    const int label = static_cast<int>(i % 10);  // classes interleaved, as in the real files
    labels.data.push_back(static_cast<std::uint8_t>(label));
    for (int row = 0; row < 28; ++row) {
      for (int col = 0; col < 28; ++col) {
        const bool band = row >= 2 + 2 * label && row < 4 + 2 * label;
        images.data.push_back(static_cast<std::uint8_t>(pixel(noise) + (band ? 180 : 0)));
      }
    }
  }
  idx::write(folder / (prefix + "-images-idx3-ubyte.gz"), images);
  idx::write(folder / (prefix + "-labels-idx1-ubyte.gz"), labels);
}
}  // namespace

void write_fashion_mnist_fixture(const fs::path& folder, std::int64_t train_per_class, std::int64_t test_per_class) {
  fs::create_directories(folder);
  write_split(folder, "train", train_per_class, 1);
  write_split(folder, "t10k", test_per_class, 2);
}

fs::path plugin_dir() { return GCBENCH_TEST_PLUGIN_DIR; }
fs::path test_plugin_dir(const std::string& which) { return fs::path(GCBENCH_TEST_ONLY_PLUGIN_DIR) / which; }
fs::path gcbench_executable() { return GCBENCH_TEST_EXECUTABLE; }

void write_text(const fs::path& file, const std::string& text) {
  std::ofstream out(file);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

}  // namespace gcbench::testing
