// Downloads one file over HTTP(S) or from file:// with libcurl into a `.part`
// file that is continued, not restarted, when a transfer breaks off, and never
// taken for the whole file: only a checksum says a download is complete.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>

namespace gcbench {

class DownloadError : public std::runtime_error {
 public:
  DownloadError(const std::string& message, bool unreachable) : std::runtime_error(message), unreachable_(unreachable) {}
  // The host could not be resolved or reached: most often a machine without internet.
  bool unreachable() const { return unreachable_; }

 private:
  bool unreachable_;
};

// bytes on disk so far, and the whole size (0 while not known).
using DownloadProgress = std::function<void(std::int64_t have, std::int64_t total)>;

// Appends `url`'s bytes to `part` from its current size on (an HTTP Range
// request; a server that ignores it sends the whole file, and `part` starts
// again). A transfer that breaks off is continued up to `attempts` times in
// all. Only http, https and file URLs are followed. Throws DownloadError
// naming the URL and what went wrong.
void download(const std::string& url, const std::filesystem::path& part, const DownloadProgress& progress, int attempts = 3);

// A URL's host and path as libcurl's URL parser reads them (dot segments
// resolved, still percent-encoded): "www.cs.toronto.edu" and "/~kriz/x.tar.gz"
// of "https://www.cs.toronto.edu/~kriz/x.tar.gz?y". Both "" when it is not a URL.
struct UrlParts {
  std::string host;  // "" for file:// URLs
  std::string path;
};
UrlParts url_parts(const std::string& url);

}  // namespace gcbench
