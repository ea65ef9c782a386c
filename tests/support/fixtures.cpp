#include "support/fixtures.hpp"

#include <sys/wait.h>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/core/Tensor.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/randint.h>
#include <fmt/format.h>

#include "cifar_binary.hpp"
#include "idx_file.hpp"
#include "jpeg_codec.hpp"
#include "util/shell_quote.hpp"

namespace gcbench::testing {
namespace fs = std::filesystem;

ScopedEnvironmentVariable::ScopedEnvironmentVariable(const char* name, const char* value) : name_(name) {
  if (const char* was = std::getenv(name)) previous_ = was;
  ::setenv(name, value, 1);
}

ScopedEnvironmentVariable::~ScopedEnvironmentVariable() {
  if (previous_) {
    ::setenv(name_.c_str(), previous_->c_str(), 1);
  } else {
    ::unsetenv(name_.c_str());
  }
}

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

namespace {
const std::vector<std::string> kCifar100Names = {
    "apple",       "aquarium_fish", "baby",         "bear",         "beaver",     "bed",        "bee",       "beetle",
    "bicycle",     "bottle",        "bowl",         "boy",          "bridge",     "bus",        "butterfly", "camel",
    "can",         "castle",        "caterpillar",  "cattle",       "chair",      "chimpanzee", "clock",     "cloud",
    "cockroach",   "couch",         "crab",         "crocodile",    "cup",        "dinosaur",   "dolphin",   "elephant",
    "flatfish",    "forest",        "fox",          "girl",         "hamster",    "house",      "kangaroo",  "keyboard",
    "lamp",        "lawn_mower",    "leopard",      "lion",         "lizard",     "lobster",    "man",       "maple_tree",
    "motorcycle",  "mountain",      "mouse",        "mushroom",     "oak_tree",   "orange",     "orchid",    "otter",
    "palm_tree",   "pear",          "pickup_truck", "pine_tree",    "plain",      "plate",      "poppy",     "porcupine",
    "possum",      "rabbit",        "raccoon",      "ray",          "road",       "rocket",     "rose",      "sea",
    "seal",        "shark",         "shrew",        "skunk",        "skyscraper", "snail",      "snake",     "spider",
    "squirrel",    "streetcar",     "sunflower",    "sweet_pepper", "table",      "tank",       "telephone", "television",
    "tiger",       "tractor",       "train",        "trout",        "tulip",      "turtle",     "wardrobe",  "whale",
    "willow_tree", "wolf",          "woman",        "worm"};

std::vector<std::uint8_t> flat_image(int c0, int c1, int c2) {
  std::vector<std::uint8_t> image;
  for (int value : {c0, c1, c2}) image.insert(image.end(), 1024, static_cast<std::uint8_t>(value));
  return image;
}

void write_lines(const fs::path& file, const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  write_text(file, text);
}
}  // namespace

void write_cifar100_fixture(const fs::path& folder, std::int64_t per_class, std::int64_t test_per_class, bool noisy) {
  fs::create_directories(folder);
  std::mt19937 noise(11);
  std::vector<std::vector<std::uint8_t>> train_labels, train_images, test_labels, test_images;
  for (std::int64_t i = 0; i < per_class; ++i) {
    for (int c = 0; c < 100; ++c) {
      const bool train = i + test_per_class < per_class;
      auto& labels = train ? train_labels : test_labels;
      auto& images = train ? train_images : test_images;
      labels.push_back({static_cast<std::uint8_t>(c / 5), static_cast<std::uint8_t>(c)});
      images.push_back(flat_image(static_cast<int>((c + 7 * i) % 256), c, static_cast<int>(i)));
      if (noisy) {
        for (auto& pixel : images.back()) pixel = static_cast<std::uint8_t>(noise());
      }
    }
  }
  cifar::write(folder / "train.bin", train_labels, train_images);
  cifar::write(folder / "test.bin", test_labels, test_images);
  write_lines(folder / "fine_label_names.txt", kCifar100Names);
}

void write_cifar10_fixture(const fs::path& folder, std::int64_t records_per_file) {
  fs::create_directories(folder);
  for (int batch = 1; batch <= 6; ++batch) {
    std::vector<std::vector<std::uint8_t>> labels, images;
    for (std::int64_t i = 0; i < records_per_file; ++i) {
      labels.push_back({static_cast<std::uint8_t>(i % 10)});
      images.push_back(flat_image(static_cast<int>(i % 10) * 20, batch, static_cast<int>(i)));
    }
    cifar::write(folder / (batch <= 5 ? "data_batch_" + std::to_string(batch) + ".bin" : "test_batch.bin"), labels, images);
  }
  write_lines(folder / "batches.meta.txt",
              {"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"});
}

const std::vector<std::string>& mini_imagenet_test_wnids() {
  static const std::vector<std::string> wnids = {"n01930112", "n01981276", "n02099601", "n02110063", "n02110341",
                                                 "n02116738", "n02129165", "n02219486", "n02443484", "n02871525",
                                                 "n03127925", "n03146219", "n03272010", "n03544143", "n03775546",
                                                 "n04146614", "n04149813", "n04418357", "n04522168", "n07613480"};
  return wnids;
}

std::vector<std::string> imagenet_like_train_wnids() {
  std::vector<std::string> wnids;
  for (int c = 0; c < 64; ++c) wnids.push_back(fmt::format("n8{:07d}", c));
  return wnids;
}

std::array<int, 3> imagenet_like_colour(int c, const std::string& number) {
  const int n = std::stoi(number);
  return {(c * 2) % 256, (n * 7) % 256, 200 - n % 150};
}

void write_imagenet_like_fixture(const fs::path& source, const fs::path& root, const ImageNetLike& shape) {
  const std::vector<std::string> val = {"n01855672", "n02091244", "n02114548", "n02138441", "n02174001", "n02950826",
                                        "n02971356", "n02981792", "n03075370", "n03417042", "n03535780", "n03584254",
                                        "n03770439", "n03773504", "n03980874", "n09256479"};
  auto generator = at::make_generator<at::CPUGeneratorImpl>(7);
  int c = 0;
  for (const auto& [csv, wnids] : {std::pair<std::string, std::vector<std::string>>{"train.csv", imagenet_like_train_wnids()},
                                   {"val.csv", val},
                                   {"test.csv", mini_imagenet_test_wnids()}}) {
    std::vector<std::string> rows = {"filename,label"};
    for (const auto& wnid : wnids) {
      fs::create_directories(source / wnid);
      for (const auto& number : shape.file_numbers) {
        const auto colour = imagenet_like_colour(c, number);
        auto image = at::empty({3, shape.height, shape.width}, at::kInt);
        for (int k = 0; k < 3; ++k) image[k].fill_(colour[static_cast<std::size_t>(k)]);
        if (shape.noise > 0) image += at::randint(-shape.noise, shape.noise + 1, image.sizes(), generator, at::kInt);
        jpeg::encode(source / wnid / (wnid + "_" + number + ".JPEG"), image.clamp(0, 255).to(at::kByte));
      }
      for (const auto index : shape.wanted) rows.push_back(fmt::format("{}{:08d}.jpg,{}", wnid, index, wnid));
      ++c;
    }
    write_lines(root / csv, rows);
  }
}

void write_mini_imagenet_fixture(const fs::path& folder, std::int64_t per_class) {
  const std::vector<std::string> val = {"n01855672", "n02091244", "n02114548", "n02138441", "n02174001", "n02950826",
                                        "n02971356", "n02981792", "n03075370", "n03417042", "n03535780", "n03584254",
                                        "n03770439", "n03773504", "n03980874", "n09256479"};
  std::vector<std::string> train;
  for (int c = 0; c < 64; ++c) train.push_back("n9" + std::to_string(1000000 + c) + "0");
  fs::create_directories(folder / "images");
  int colour = 0;
  for (const auto& [name, wnids] :
       {std::pair<std::string, std::vector<std::string>>{"train", train}, {"val", val}, {"test", mini_imagenet_test_wnids()}}) {
    std::vector<std::string> rows = {"filename,label"};
    for (const auto& wnid : wnids) {
      ++colour;
      for (std::int64_t i = 0; i < per_class; ++i) {
        const std::string file = wnid + std::to_string(100000000 + i).substr(1) + ".jpg";
        const bool odd_size = i % 3 == 2;
        auto image = at::empty({3, odd_size ? 90 : 84, odd_size ? 100 : 84}, at::kByte);
        image[0].fill_(colour % 256);
        image[1].fill_((2 * colour) % 256);
        image[2].fill_(255 - colour % 256);
        jpeg::encode(folder / "images" / file, image);
        rows.push_back(file + "," + wnid);
      }
    }
    write_lines(folder / (name + ".csv"), rows);
  }
}

fs::path plugin_dir() { return GCBENCH_TEST_PLUGIN_DIR; }
fs::path test_plugin_dir(const std::string& which) { return fs::path(GCBENCH_TEST_ONLY_PLUGIN_DIR) / which; }
fs::path gcbench_executable() { return GCBENCH_TEST_EXECUTABLE; }

void write_text(const fs::path& file, const std::string& text) {
  if (file.has_parent_path()) fs::create_directories(file.parent_path());
  std::ofstream out(file);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

fs::path build_dir() { return GCBENCH_BUILD_DIR; }
fs::path cmake_command() { return GCBENCH_CMAKE_COMMAND; }

std::vector<nlohmann::json> as_json(const std::vector<RunRecord>& records) {
  std::vector<nlohmann::json> out;
  for (const auto& record : records) out.push_back(to_json(record));
  return out;
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string run_command(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run " + command);
  char buffer[512];
  while (fgets(buffer, sizeof(buffer), pipe)) output += buffer;
  const int status = pclose(pipe);
  return std::to_string(WEXITSTATUS(status)) + "\n" + output;
}

std::string gcbench_cli(const std::string& arguments) { return run_command(quoted(gcbench_executable()) + " " + arguments); }

int exit_code(const std::string& output) { return std::stoi(output.substr(0, output.find('\n'))); }

std::string quoted(const fs::path& path) { return shell_quote(path.string()); }

fs::path source_dir() { return GCBENCH_SOURCE_DIR; }

nlohmann::json without_keys(nlohmann::json value, const std::vector<std::string>& keys) {
  if (value.is_object()) {
    for (const auto& key : keys) value.erase(key);
    for (auto& [key, child] : value.items()) child = without_keys(child, keys);
  } else if (value.is_array()) {
    for (auto& child : value) child = without_keys(child, keys);
  }
  return value;
}

}  // namespace gcbench::testing
