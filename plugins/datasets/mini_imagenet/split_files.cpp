#include "split_files.hpp"

#include <openssl/evp.h>

#include <array>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <vector>

namespace gcbench::mini_imagenet {
namespace fs = std::filesystem;

namespace {

// As published in twitter-research/meta-learning-lstm, data/miniImagenet/ (ravi_larochelle_split/README.md).
const std::map<std::string, std::string> kPublishedSha256 = {
    {"train.csv", "498519cd8e49ce97ed26a4a3638966698ae41ab35e9c68538319fc9b46ba7d2f"},
    {"val.csv", "5658a59921ca027ee76af92949869c5d6f41d77592ff3b18db325a9d10c893b9"},
    {"test.csv", "2b7cfa78342995761a572a8158e539bc4e0a80f9bbd7d00c1e17a460fbbb93fa"}};

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

}  // namespace

std::string sha256_of_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(file.string() + ": cannot be read");
  const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error(file.string() +
                             ": OpenSSL could not start a SHA-256 digest to check it; check the OpenSSL installation (libssl)");
  }
  std::vector<char> buffer(1 << 16);
  while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
    EVP_DigestUpdate(context.get(), buffer.data(), static_cast<std::size_t>(in.gcount()));
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_DigestFinal_ex(context.get(), digest.data(), &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

SplitFiles find_split_files(const fs::path& root, const fs::path& shipped) {
  std::vector<std::string> present, absent;
  for (const char* name : kSplitCsvs) (fs::exists(root / name) ? present : absent).emplace_back(name);
  SplitFiles files;
  if (absent.empty()) {
    files.folder = root;  // the user's own split takes precedence
  } else if (!present.empty()) {
    throw std::runtime_error(root.string() + " holds " + joined(present) + " but not " + joined(absent) +
                             ": a split is all three CSVs. Add the missing ones, or remove these to use the "
                             "Ravi-Larochelle split gcbench ships (" +
                             shipped.string() + ")");
  } else {
    files.folder = shipped;
    files.shipped = true;
  }
  for (const char* name : kSplitCsvs) {
    const fs::path file = files.folder / name;
    if (files.shipped && !fs::exists(file)) {
      throw std::runtime_error(file.string() + ": not found, though gcbench installs the Ravi-Larochelle split there; " +
                               "reinstall gcbench, or put your own train.csv, val.csv and test.csv in " + root.string());
    }
    const std::string hex = sha256_of_file(file);
    if (files.shipped && hex != kPublishedSha256.at(name)) {
      throw std::runtime_error(file.string() + ": sha256 " + hex + " is not the published Ravi-Larochelle " + name + " (" +
                               kPublishedSha256.at(name) +
                               "); the installed copy was changed or damaged: reinstall gcbench, or put your own "
                               "train.csv, val.csv and test.csv in " +
                               root.string());
    }
    files.sha256[name] = "sha256:" + hex;
  }
  return files;
}

}  // namespace gcbench::mini_imagenet
