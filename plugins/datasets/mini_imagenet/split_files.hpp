// Which split CSVs a mini-ImageNet folder uses: the user's own train.csv,
// val.csv and test.csv in the dataset's folder when it has them, else the
// Ravi-Larochelle split shipped beside the plugin (ravi_larochelle_split/),
// checked against its published SHA-256 digests before it is used.
#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace gcbench::mini_imagenet {

struct SplitFiles {
  std::filesystem::path folder;               // where train.csv, val.csv and test.csv are read from
  bool shipped = false;                       // the plugin's own copy, not the user's
  std::map<std::string, std::string> sha256;  // "train.csv" -> "sha256:<hex>"
};

inline constexpr const char* kSplitCsvs[] = {"train.csv", "val.csv", "test.csv"};

// root's CSVs when it holds all three; the shipped ones in `shipped` when it
// holds none. Throws std::runtime_error naming the files when root holds only
// some, when a shipped file is missing, or when one's digest is not the
// published one.
SplitFiles find_split_files(const std::filesystem::path& root, const std::filesystem::path& shipped);

// The lower-case hex SHA-256 of a file's bytes; throws std::runtime_error naming an unreadable file.
std::string sha256_of_file(const std::filesystem::path& file);

}  // namespace gcbench::mini_imagenet
