// Where a dataset's files come from: the public archives `gcbench data fetch`
// downloads, and the builder `gcbench data prepare --from DIR` runs on data the
// user already has (mini-ImageNet from ImageNet). A dataset plugin declares
// them in its PluginInfo, so an out-of-tree dataset gets both commands too.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace gcbench {

// One downloadable file, as its publisher gives it.
struct DataArchive {
  std::string url;              // https://..., http://... or file://...
  std::string checksum;         // "sha256:<64 hex>" or "md5:<32 hex>", the publisher's own
  std::int64_t size_bytes = 0;  // 0 when not known; shown in progress and offline advice
  // How many leading folders of each archive entry to drop, as `tar
  // --strip-components`: 1 for cifar-10-binary.tar.gz, whose files lie in
  // cifar-10-batches-bin/ but are read from the data root itself.
  int strip_components = 0;
  bool unpack = true;  // false: the file is used as downloaded (e.g. an IDX .gz)
};

// What `gcbench data prepare NAME ROOT --from SOURCE` asks of a plugin's builder.
struct PrepareRequest {
  std::filesystem::path source;  // the data the user has, as given to --from
  std::filesystem::path root;    // the dataset's folder to build; it exists
  int threads = 1;
  // Called now and then with work done and total (e.g. images written), from
  // one thread at a time, not necessarily the caller's; may be empty.
  std::function<void(std::int64_t done, std::int64_t total)> progress;
};

// Builds the dataset's files in request.root from request.source. Throws
// std::runtime_error naming what is missing (a class folder, an image) and
// what to do; leaves no half-written file under a final name.
using PrepareFunction = void (*)(const PrepareRequest& request);

}  // namespace gcbench
