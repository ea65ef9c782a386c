#include "fetch/download.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <mutex>

namespace gcbench {
namespace fs = std::filesystem;

namespace {

struct Transfer {
  std::FILE* file = nullptr;
  CURL* curl = nullptr;
  std::int64_t resumed_from = 0;  // bytes in the part file when this transfer began
  std::int64_t written = 0;       // bytes this transfer wrote
  bool checked_response = false;
  const DownloadProgress* progress = nullptr;
};

// A server that answers a Range request with the whole file (200, not 206)
// restarts the part file rather than appending the file to its own beginning.
std::size_t write_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  if (!transfer.checked_response) {
    transfer.checked_response = true;
    long code = 0;
    curl_easy_getinfo(transfer.curl, CURLINFO_RESPONSE_CODE, &code);
    if (transfer.resumed_from > 0 && code == 200) {
      if (std::fflush(transfer.file) != 0 || ftruncate(fileno(transfer.file), 0) != 0) return 0;
      std::rewind(transfer.file);
      transfer.resumed_from = 0;
    }
  }
  const std::size_t bytes = size * count;
  if (std::fwrite(data, 1, bytes, transfer.file) != bytes) return 0;
  transfer.written += static_cast<std::int64_t>(bytes);
  return bytes;
}

int report_progress(void* user, curl_off_t total, curl_off_t, curl_off_t, curl_off_t) {
  auto& transfer = *static_cast<Transfer*>(user);
  if (transfer.progress && *transfer.progress) {
    const std::int64_t whole = total > 0 ? transfer.resumed_from + static_cast<std::int64_t>(total) : 0;
    (*transfer.progress)(transfer.resumed_from + transfer.written, whole);
  }
  return 0;
}

void start_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw DownloadError("libcurl could not start", false);
  });
}

bool is_unreachable(CURLcode code) {
  return code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_COULDNT_RESOLVE_PROXY || code == CURLE_COULDNT_CONNECT;
}

// A transfer that ended early but may be continued.
bool is_broken_off(CURLcode code) {
  return code == CURLE_PARTIAL_FILE || code == CURLE_RECV_ERROR || code == CURLE_OPERATION_TIMEDOUT ||
         code == CURLE_GOT_NOTHING || code == CURLE_SEND_ERROR;
}

std::int64_t size_of(const fs::path& file) {
  std::error_code error;
  const auto size = fs::file_size(file, error);
  return error ? 0 : static_cast<std::int64_t>(size);
}

}  // namespace

UrlParts url_parts(const std::string& url) {
  const std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> parsed(curl_url(), curl_url_cleanup);
  if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) return {};
  const auto part = [&](CURLUPart which) {
    char* text = nullptr;
    if (curl_url_get(parsed.get(), which, &text, 0) != CURLUE_OK || !text) return std::string();
    std::string value(text);
    curl_free(text);
    return value;
  };
  return {part(CURLUPART_HOST), part(CURLUPART_PATH)};
}

void download(const std::string& url, const fs::path& part, const DownloadProgress& progress, int attempts) {
  start_curl_once();
  std::string last_error;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    const std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) throw DownloadError("libcurl could not start a transfer", false);
    const std::unique_ptr<std::FILE, decltype(&std::fclose)> file(std::fopen(part.c_str(), "ab"), std::fclose);
    if (!file) throw DownloadError(fmt::format("{}: cannot be written; check the folder's permissions", part.string()), false);
    Transfer transfer;
    transfer.file = file.get();
    transfer.curl = curl.get();
    transfer.resumed_from = size_of(part);
    transfer.progress = &progress;
    char error_text[CURL_ERROR_SIZE] = "";
    CURL* handle = curl.get();
    curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
    curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https,file");
    curl_easy_setopt(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(handle, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(handle, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(handle, CURLOPT_USERAGENT, "gcbench");
    curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT, 30L);
    // A transfer that stalls (under 1 byte/s for a minute) is broken off and continued.
    curl_easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(handle, CURLOPT_LOW_SPEED_TIME, 60L);
    curl_easy_setopt(handle, CURLOPT_RESUME_FROM_LARGE, static_cast<curl_off_t>(transfer.resumed_from));
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, write_body);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, report_progress);
    curl_easy_setopt(handle, CURLOPT_XFERINFODATA, &transfer);
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_text);
    const CURLcode code = curl_easy_perform(handle);
    if (std::fflush(file.get()) != 0) {
      throw DownloadError(fmt::format("{}: could not be written (disk full?)", part.string()), false);
    }
    long status = 0;
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
    if (code == CURLE_OK) return;
    // 416: the part file already holds every byte; the checksum says whether they are right.
    if (code == CURLE_HTTP_RETURNED_ERROR && status == 416 && transfer.resumed_from > 0) return;
    const std::string why = error_text[0] ? error_text : curl_easy_strerror(code);
    last_error = fmt::format("{}: {}", url, why);
    if (is_unreachable(code)) throw DownloadError(last_error, true);
    if (code == CURLE_RANGE_ERROR) {
      throw DownloadError(fmt::format("{}; the server cannot continue {}: remove it and try again", last_error, part.string()),
                          false);
    }
    if (!is_broken_off(code)) throw DownloadError(last_error, false);
  }
  throw DownloadError(
      fmt::format("{} (broke off {} times; run the same command again to continue from {})", last_error, attempts, part.string()),
      false);
}

}  // namespace gcbench
