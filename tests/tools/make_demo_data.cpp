// Generates data of the real sizes in the real formats, for timing `gcbench data
// fetch` and `gcbench data prepare` without the real data (ci/data_demo.sh):
//
//   gcbench_make_demo_data cifar100 DIR PER_CLASS
//       DIR/cifar-100-binary/ as the CIFAR-100 binary release (600 per class, a sixth
//       of them in test.bin: its size and split), of noise pixels
//   gcbench_make_demo_data imagenet SOURCE ROOT FILES_PER_CLASS WANTED_PER_CLASS WIDTH HEIGHT
//       SOURCE: ImageNet-like class folders for mini-ImageNet's 100 classes; ROOT: the split's CSVs
#include <fmt/format.h>

#include <cstdlib>
#include <iostream>

#include "support/fixtures.hpp"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.size() == 3 && args[0] == "cifar100") {
      const auto per_class = std::stoll(args[2]);
      gcbench::testing::write_cifar100_fixture(std::filesystem::path(args[1]) / "cifar-100-binary", per_class, per_class / 6,
                                               true);
      return 0;
    }
    if (args.size() == 7 && args[0] == "imagenet") {
      gcbench::testing::ImageNetLike shape;
      const auto files = std::stoll(args[3]), wanted = std::stoll(args[4]);
      if (wanted > files) throw std::invalid_argument("WANTED_PER_CLASS must not exceed FILES_PER_CLASS");
      shape.file_numbers.clear();
      shape.wanted.clear();
      // ImageNet numbers its files sparsely: n01532829_10021.JPEG and the like.
      for (std::int64_t i = 0; i < files; ++i) shape.file_numbers.push_back(std::to_string(10000 + 37 * i));
      for (std::int64_t i = 0; i < wanted; ++i) shape.wanted.push_back(1 + i * files / wanted);
      shape.width = std::stoll(args[5]);
      shape.height = std::stoll(args[6]);
      shape.noise = 10;  // so the JPEGs are of a photograph's size, not a flat colour's
      gcbench::testing::write_imagenet_like_fixture(args[1], args[2], shape);
      return 0;
    }
  } catch (const std::exception& error) {
    std::cerr << "error: " << error.what() << "\n";
    return 1;
  }
  std::cerr << "usage: gcbench_make_demo_data cifar100 DIR PER_CLASS\n"
               "       gcbench_make_demo_data imagenet SOURCE ROOT FILES_PER_CLASS WANTED_PER_CLASS WIDTH HEIGHT\n";
  return 2;
}
