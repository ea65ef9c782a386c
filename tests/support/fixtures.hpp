// Small files in real on-disk formats, made fresh for each test.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace gcbench::testing {

// A folder under the system temp dir, removed with everything in it when destroyed.
class TempDir {
 public:
  explicit TempDir(const std::string& label = "gcbench-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Writes the four gzip'd IDX files of Fashion-MNIST into `folder`: 10 classes,
// `train_per_class` and `test_per_class` 28x28 images each, classes told apart
// by a bright band whose position depends on the class, plus seeded noise.
void write_fashion_mnist_fixture(const std::filesystem::path& folder, std::int64_t train_per_class,
                                 std::int64_t test_per_class);

// The folder CMake builds the real plugins into.
std::filesystem::path plugin_dir();
// Test-only plugins: "wrong_abi", "no_factory", "throwing".
std::filesystem::path test_plugin_dir(const std::string& which);
// The gcbench executable.
std::filesystem::path gcbench_executable();

void write_text(const std::filesystem::path& file, const std::string& text);

}  // namespace gcbench::testing
