// The Ravi-Larochelle CSVs of mini-ImageNet: "filename,label" rows, a fixed
// number per class, read into the files and labels of one split.
#pragma once

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace gcbench::mini_imagenet {

struct CsvSplit {
  std::vector<std::string> wnids;  // sorted; label = position
  std::vector<std::filesystem::path> files;
  std::vector<std::int64_t> labels;
  std::vector<std::string> rows;  // "<folder>/train.csv:17", for messages
};

struct CsvRow {
  std::string file;   // a plain file name, e.g. n0153282900000005.jpg
  std::string label;  // the class, e.g. n01532829
  std::string where;  // "<folder>/train.csv:17", for messages
};

// The rows of a CSV. Throws std::runtime_error naming the file (and line)
// when it is missing, lacks the header, or has a malformed row or a file name
// that is not a plain name.
std::vector<CsvRow> read_rows(const std::filesystem::path& csv);

// Reads a CSV whose images lie in `images`. Throws std::runtime_error naming
// the file (and line) when it is missing, lacks the header, has a malformed row
// or a file name that is not a plain name, or when a class has other than
// `per_class` rows, the classes are not `expected_classes` many, or one is not
// in `expected_wnids`.
CsvSplit read_csv(const std::filesystem::path& csv, const std::filesystem::path& images, std::int64_t per_class,
                  std::size_t expected_classes, const std::set<std::string>* expected_wnids);

}  // namespace gcbench::mini_imagenet
