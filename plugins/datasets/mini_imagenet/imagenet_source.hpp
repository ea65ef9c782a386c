// ImageNet's training set as mini-ImageNet is built from: a folder of
// nXXXXXXXX/ class folders, or the official ILSVRC2012_img_train.tar (one
// nXXXXXXXX.tar per class), read without unpacking it. An image is named by its
// class and a 1-based index into that class's file names, sorted.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace gcbench::mini_imagenet {

struct WantedImage {
  std::int64_t index = 0;  // 1-based, into the class's sorted file names
  std::string output;      // the file name to write, e.g. n0153282900000005.jpg
  std::string where;       // the CSV row that wants it, for messages
};

// Class (wnid) -> the images wanted of it.
using WantedImages = std::map<std::string, std::vector<WantedImage>>;

struct SourceImage {
  std::string what;                  // "<DIR>/n01532829/n01532829_10021.JPEG", for messages
  std::filesystem::path file;        // the file to read (a folder source) ...
  std::vector<unsigned char> bytes;  // ... or its bytes (a tar source)
  std::string output;
};

// Hands `convert` the wanted images of each class in turn. Throws
// std::runtime_error naming a class missing from the source or an index past a
// class's last file, with the CSV row that wants it.
void for_each_class(const std::filesystem::path& source, const WantedImages& wanted,
                    const std::function<void(std::vector<SourceImage>)>& convert);

}  // namespace gcbench::mini_imagenet
