#include "fetch/fetch_dataset.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <stdexcept>

#include "fetch/download.hpp"
#include "fetch/unpack.hpp"
#include "util/file_digest.hpp"
#include "util/progress.hpp"
#include "util/shell_quote.hpp"

namespace gcbench {
namespace fs = std::filesystem;

namespace {

std::string megabytes(std::int64_t bytes) { return fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6); }

struct Planned {
  std::string url;
  Checksum checksum;
  std::string name;
  DataArchive archive;
};

std::vector<Planned> plan_downloads(const FetchRequest& request) {
  if (request.archives.empty() && !request.url) {
    throw std::runtime_error(
        fmt::format("{} declares no public archive to fetch; place its files in {} yourself (see `gcbench plugins`), "
                    "or give --url with --sha256",
                    request.dataset, request.root.string()));
  }
  if (request.url && request.archives.size() > 1) {
    throw std::runtime_error(fmt::format("{} has {} archives; --url replaces only a single one: use --mirror URL-FOLDER",
                                         request.dataset, request.archives.size()));
  }
  if (request.url && request.mirror) throw std::runtime_error("give --url or --mirror, not both");
  std::vector<DataArchive> archives = request.archives;
  if (archives.empty()) archives.emplace_back();
  std::vector<Planned> planned;
  for (std::size_t i = 0; i < archives.size(); ++i) {
    const auto& archive = archives[i];
    Planned item;
    item.archive = archive;
    item.name = archive_file_name(archive.url.empty() ? request.url.value_or("") : archive.url, i);
    item.url = archive.url;
    if (request.url) item.url = *request.url;
    if (request.mirror) item.url = *request.mirror + (request.mirror->back() == '/' ? "" : "/") + item.name;
    if (request.sha256) {
      item.checksum = parse_checksum("sha256:" + *request.sha256, "--sha256");
      item.archive.size_bytes = 0;  // another file than the declared one, perhaps
    } else if (!archive.checksum.empty()) {
      item.checksum = parse_checksum(archive.checksum, fmt::format("{}'s archive {}", request.dataset, item.name));
    } else {
      throw std::runtime_error(fmt::format("{}: no checksum to check {} against; give --sha256 HEX", request.dataset, item.url));
    }
    planned.push_back(std::move(item));
  }
  return planned;
}

std::string offline_advice(const FetchRequest& request, const Planned& item, const fs::path& downloads) {
  return fmt::format(
      "without internet: download {} on a machine that has it ({}{}), then either copy it to {} and run this command "
      "again, or run `gcbench data fetch {} {} --url file:///path/to/{}`",
      item.url, item.archive.size_bytes > 0 ? megabytes(item.archive.size_bytes) + ", " : "",
      item.checksum.algorithm + ":" + item.checksum.hex, (downloads / item.name).string(), shell_quote(request.dataset),
      shell_quote(request.root.string()), item.name);
}

// Downloads one archive to downloads/<name>, verified; returns its path.
fs::path obtain(const FetchRequest& request, const Planned& item, const fs::path& downloads) {
  fs::path whole = downloads / item.name;
  const fs::path part = downloads / (item.name + ".part");
  const auto matches = [&](const fs::path& file) { return digest_of_file(file, item.checksum.algorithm) == item.checksum.hex; };
  if (fs::exists(whole)) {
    if (matches(whole)) {
      spdlog::info("{}: {} is already downloaded and its {} checksum matches", request.dataset, item.name,
                   item.checksum.algorithm);
      return whole;
    }
    throw std::runtime_error(fmt::format("{}: does not match the {} checksum {}; remove it and run this command again",
                                         whole.string(), item.checksum.algorithm, item.checksum.hex));
  }
  std::error_code error;
  const auto already = fs::exists(part) ? static_cast<std::int64_t>(fs::file_size(part, error)) : 0;
  spdlog::info("{}: {} {} -> {}{}", request.dataset, already > 0 ? "continuing" : "downloading", item.url, whole.string(),
               already > 0 ? fmt::format(" from {}", megabytes(already)) : "");
  ProgressLine line(10);
  const auto start = std::chrono::steady_clock::now();
  const DownloadProgress progress = [&](std::int64_t have, std::int64_t total) {
    if (!line.due()) return;
    if (total <= 0) total = item.archive.size_bytes;
    const double elapsed = seconds_since(start);
    const double rate = elapsed > 0 ? static_cast<double>(have - already) / elapsed : 0;
    line.update(total > 0
                    ? fmt::format("fetch {} {} / {} ({:.0f}%) {}/s ETA {}", item.name, megabytes(have), megabytes(total),
                                  100.0 * static_cast<double>(have) / static_cast<double>(total),
                                  megabytes(static_cast<std::int64_t>(rate)),
                                  eta(elapsed, static_cast<double>(have - already), static_cast<double>(total - already)))
                    : fmt::format("fetch {} {} {}/s", item.name, megabytes(have), megabytes(static_cast<std::int64_t>(rate))));
  };
  try {
    download(item.url, part, progress);
  } catch (const DownloadError& failure) {
    std::error_code ignored;
    if (fs::file_size(part, ignored) == 0) fs::remove(part, ignored);  // nothing to continue from
    if (failure.unreachable()) {
      throw std::runtime_error(fmt::format("{}: could not reach {} ({}); {}", request.dataset, url_parts(item.url).host,
                                           failure.what(), offline_advice(request, item, downloads)));
    }
    throw;
  }
  const auto size = static_cast<std::int64_t>(fs::file_size(part));
  line.finish(fmt::format("fetch {} {} in {}", item.name, megabytes(size), format_duration(seconds_since(start))));
  const auto got = digest_of_file(part, item.checksum.algorithm);
  if (got != item.checksum.hex) {
    fs::remove(part);
    throw std::runtime_error(
        fmt::format("{}: {} is not the expected file: its {} is {}, expected {}; the download was removed and nothing was "
                    "unpacked. If the source holds a newer or different file on purpose, pass its checksum with --sha256",
                    request.dataset, item.url, item.checksum.algorithm, got, item.checksum.hex));
  }
  fs::rename(part, whole);
  return whole;
}

}  // namespace

std::string archive_file_name(const std::string& url, std::size_t n) {
  const std::string path = url_parts(url).path;
  const std::string last = path.substr(path.find_last_of('/') + 1);  // npos + 1 == 0: the whole path
  const bool plain = !last.empty() && last[0] != '.' && std::all_of(last.begin(), last.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '_' || c == '-' || c == '+';
  });
  return plain ? last : fmt::format("archive-{}", n);
}

void fetch_dataset(const FetchRequest& request) {
  if (request.root.empty()) {
    throw std::runtime_error(fmt::format("no folder to fetch {} into: give ROOT or set GCBENCH_DATA", request.dataset));
  }
  const auto planned = plan_downloads(request);
  const fs::path downloads = request.root / ".gcbench-downloads";
  // The folders this fetch makes, innermost first: a failed fetch takes them
  // away again, leaving only what the next one continues from (a .part file).
  std::vector<fs::path> made;
  for (fs::path folder = downloads; !folder.empty() && !fs::exists(folder); folder = folder.parent_path()) {
    made.push_back(folder);
  }
  fs::create_directories(downloads);
  const auto tidy_up = [&] {
    std::error_code ignored;
    fs::remove(downloads, ignored);  // each only when empty
    for (const auto& folder : made) fs::remove(folder, ignored);
  };
  // Every archive is downloaded and checked before any is unpacked.
  std::vector<fs::path> files;
  try {
    for (const auto& item : planned) files.push_back(obtain(request, item, downloads));
  } catch (...) {
    tidy_up();
    throw;
  }
  for (std::size_t i = 0; i < planned.size(); ++i) {
    const auto& item = planned[i];
    if (!item.archive.unpack) {
      fs::copy_file(files[i], request.root / item.name, fs::copy_options::overwrite_existing);
      spdlog::info("{}: placed {}", request.dataset, (request.root / item.name).string());
      continue;
    }
    ProgressLine line(10);
    const auto placed = unpack_archive(files[i], request.root, item.archive.strip_components, [&](std::int64_t entries) {
      if (line.due()) line.update(fmt::format("unpack {}: {} entries", item.name, entries));
    });
    line.finish(fmt::format("unpacked {} into {}: {}", item.name, request.root.string(), fmt::join(placed, ", ")));
  }
  if (!request.keep_archives) {
    for (const auto& file : files) fs::remove(file);
    tidy_up();
  }
}

}  // namespace gcbench
