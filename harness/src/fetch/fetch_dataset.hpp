// `gcbench data fetch`: a dataset's public archives, downloaded (resumably),
// checked against their published checksum, and only then unpacked into the
// dataset's folder.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "gcbench/sdk/data_source.hpp"
#include "util/file_digest.hpp"

namespace gcbench {

struct FetchRequest {
  std::string dataset;                // the plugin's name, for messages
  std::vector<DataArchive> archives;  // as the plugin declares them
  std::filesystem::path root;         // the dataset's folder
  std::optional<std::string> url;     // --url: where the (single) archive is instead
  std::optional<std::string> mirror;  // --mirror: a folder URL holding every archive under its own name
  std::optional<std::string> sha256;  // --sha256: the checksum to expect instead of the declared one
  bool keep_archives = false;         // keep the downloads in root/.gcbench-downloads
};

// The file name a URL's archive is kept under: its last path segment when that
// is a plain name ([A-Za-z0-9._+-], not starting with a dot), else "archive-<n>".
std::string archive_file_name(const std::string& url, std::size_t n);

// Fetches every archive of the request. Throws std::runtime_error naming the
// URL or file and what to do: an unreachable host says which file to place
// where; a checksum mismatch removes the download and leaves root as it was.
void fetch_dataset(const FetchRequest& request);

}  // namespace gcbench
