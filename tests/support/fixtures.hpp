// Small files in real on-disk formats, made fresh for each test.
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "record/run_record.hpp"

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

// Sets an environment variable for the life of this object, and puts back what
// was there (unset, if it was) when destroyed.
class ScopedEnvironmentVariable {
 public:
  ScopedEnvironmentVariable(const char* name, const char* value);
  ~ScopedEnvironmentVariable();
  ScopedEnvironmentVariable(const ScopedEnvironmentVariable&) = delete;
  ScopedEnvironmentVariable& operator=(const ScopedEnvironmentVariable&) = delete;

 private:
  std::string name_;
  std::optional<std::string> previous_;
};

// Writes the four gzip'd IDX files of Fashion-MNIST into `folder`: 10 classes,
// `train_per_class` and `test_per_class` 28x28 images each, classes told apart
// by a bright band whose position depends on the class, plus seeded noise.
void write_fashion_mnist_fixture(const std::filesystem::path& folder, std::int64_t train_per_class, std::int64_t test_per_class);

// The CIFAR-100 binary release in miniature: `per_class` pooled images of each of
// the 100 classes (all but the last in train.bin), fine_label_names.txt with the
// real names. Image i of class c is filled with the value (c + 7 i) % 256 in
// channel 0, c in channel 1 and i in channel 2. `test_per_class` of each class
// go to test.bin (the real release: 500 train, 100 test); `noisy` replaces the
// pixels by seeded noise, as incompressible as photographs.
void write_cifar100_fixture(const std::filesystem::path& folder, std::int64_t per_class, std::int64_t test_per_class = 1,
                            bool noisy = false);

// cifar-10-batches-bin in miniature: `records_per_file` records per batch file,
// labels cycling 0..9, batches.meta.txt with the real names.
void write_cifar10_fixture(const std::filesystem::path& folder, std::int64_t records_per_file);

// The Ravi-Larochelle mini-ImageNet layout in miniature: the real val and test
// classes, 64 made-up train classes, `per_class` JPEGs each. Class c's images are
// a flat colour (c, 2c, 255 - c); every third image is 100x90 so it gets resized.
void write_mini_imagenet_fixture(const std::filesystem::path& folder, std::int64_t per_class);
const std::vector<std::string>& mini_imagenet_test_wnids();

// ImageNet's training set in miniature, for `data prepare mini_imagenet
// --from-imagenet`: a class folder nXXXXXXXX/ of nXXXXXXXX_<n>.JPEG files for
// each of mini-ImageNet's 100 classes (the real val and test classes, 64
// made-up train ones: imagenet_like_train_wnids()), the files numbered
// `file_numbers`; and in `root` the split's three CSVs, naming for each class
// the 1-based `wanted` indices into its sorted file names. File `number` of
// class c (counted over train, val, test) is `width` x `height`, of the flat
// colour imagenet_like_colour(c, number), plus seeded noise of +-`noise`.
struct ImageNetLike {
  std::vector<std::string> file_numbers = {"10", "2", "33", "4"};  // sorted by name: _10, _2, _33, _4
  std::vector<std::int64_t> wanted = {1, 2, 4};                    // _10, _2, _4
  std::int64_t width = 150, height = 100;
  int noise = 0;
};
void write_imagenet_like_fixture(const std::filesystem::path& source, const std::filesystem::path& root,
                                 const ImageNetLike& shape);
std::vector<std::string> imagenet_like_train_wnids();
std::array<int, 3> imagenet_like_colour(int c, const std::string& number);

// The folder CMake builds the real plugins into.
std::filesystem::path plugin_dir();
// Test-only plugins: "wrong_abi", "wrong_torch", "no_factory", "throwing", "biased", "undefined_symbol".
std::filesystem::path test_plugin_dir(const std::string& which);
// The gcbench executable.
std::filesystem::path gcbench_executable();

// Each record as it is written to disk.
std::vector<nlohmann::json> as_json(const std::vector<RunRecord>& records);
// `value` without the object keys named, at any depth: what two runs of the same
// work may not share (times, timestamps, folders) taken out before comparing them.
nlohmann::json without_keys(nlohmann::json value, const std::vector<std::string>& keys);

// Creates missing parent folders.
void write_text(const std::filesystem::path& file, const std::string& text);
// The whole file; throws if it cannot be read.
std::string read_text(const std::filesystem::path& file);

// Runs a shell command; returns its exit code, a newline, then stdout and stderr.
std::string run_command(const std::string& command);
// The gcbench executable with `arguments` (already quoted for the shell), through run_command.
std::string gcbench_cli(const std::string& arguments);
// The exit code run_command's output starts with.
int exit_code(const std::string& output);
// A path as one shell word.
std::string quoted(const std::filesystem::path& path);

// The smallest valid suite text (one seed, Fashion-MNIST, conv4), starting with
// an empty line; tests append the tables they are about.
inline constexpr const char* kSmallestSuite = R"(
[suite]
seeds = [0]

[dataset]
plugin = "fashion_mnist"

[architecture]
plugin = "conv4"
)";

// The repository's own folder, for tests that read its suites.
std::filesystem::path source_dir();
// The CMake build folder these tests were built in, and the cmake that configured it.
std::filesystem::path build_dir();
std::filesystem::path cmake_command();

}  // namespace gcbench::testing
