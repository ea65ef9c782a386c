#include "util/file_digest.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <fstream>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "util/util_error.hpp"

namespace gcbench {

struct Digest::State {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context{EVP_MD_CTX_new(), EVP_MD_CTX_free};
};

Digest::Digest(const std::string& algorithm) : state_(std::make_unique<State>()) {
  const EVP_MD* kind = EVP_get_digestbyname(algorithm.c_str());
  if (!kind) throw UtilError(fmt::format("'{}' is not a digest OpenSSL knows; use sha256 or md5", algorithm));
  if (!state_->context || EVP_DigestInit_ex(state_->context.get(), kind, nullptr) != 1) {
    throw UtilError(fmt::format("OpenSSL could not start a {} digest", algorithm));
  }
}

Digest::~Digest() = default;

void Digest::update(const void* bytes, std::size_t size) { EVP_DigestUpdate(state_->context.get(), bytes, size); }

std::string Digest::hex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(state_->context.get(), digest, &length);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

std::string digest_of_file(const std::filesystem::path& file, const std::string& algorithm) {
  Digest digest(algorithm);
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::system_error(errno, std::generic_category(), "cannot read " + file.string());
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (in.gcount() > 0) digest.update(buffer.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) throw std::system_error(errno, std::generic_category(), "cannot read " + file.string());
  return digest.hex();
}

std::string sha256_of_file(const std::filesystem::path& file) { return digest_of_file(file, "sha256"); }

std::string sha256_of_text(const std::string& text) {
  Digest digest;
  digest.update(text.data(), text.size());
  return digest.hex();
}

Checksum parse_checksum(const std::string& text, const std::string& where) {
  const auto colon = text.find(':');
  Checksum checksum;
  checksum.algorithm = colon == std::string::npos ? "" : text.substr(0, colon);
  checksum.hex = colon == std::string::npos ? "" : text.substr(colon + 1);
  std::transform(checksum.hex.begin(), checksum.hex.end(), checksum.hex.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const std::size_t length = checksum.algorithm == "sha256" ? 64 : checksum.algorithm == "md5" ? 32 : 0;
  const bool hex = std::all_of(checksum.hex.begin(), checksum.hex.end(), [](unsigned char c) { return std::isxdigit(c); });
  if (length == 0 || checksum.hex.size() != length || !hex) {
    throw UtilError(
        fmt::format("{}: '{}' is not a checksum; expected sha256:<64 hex digits> or md5:<32 hex digits>", where, text));
  }
  return checksum;
}

}  // namespace gcbench
