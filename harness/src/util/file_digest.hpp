// Digests of files and bytes, so a record names exactly which build of a plugin
// (or which data) produced it, and a download is checked against the checksum
// its publisher gives.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

namespace gcbench {

// Lower-case hex; throws std::system_error naming the file when it cannot be read.
std::string sha256_of_file(const std::filesystem::path& file);
// `algorithm`: an OpenSSL digest name, e.g. "sha256" or "md5" (the CIFAR archives' published checksum).
std::string digest_of_file(const std::filesystem::path& file, const std::string& algorithm);
// Of text in memory, e.g. a record's JSON.
std::string sha256_of_text(const std::string& text);

// "sha256" and the lower-case hex of "sha256:<hex>" / "md5:<hex>"; throws
// UtilError naming `where` for anything else.
struct Checksum {
  std::string algorithm;
  std::string hex;
};
Checksum parse_checksum(const std::string& text, const std::string& where);

// A digest fed piece by piece, for data too large to copy into one string.
class Digest {
 public:
  explicit Digest(const std::string& algorithm = "sha256");
  ~Digest();
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;

  void update(const void* bytes, std::size_t size);
  std::string hex();  // ends the digest

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace gcbench
