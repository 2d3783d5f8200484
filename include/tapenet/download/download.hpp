#pragma once
// Downloading a file safely: into `destination.part` (kept when the transfer breaks, and resumed
// from where it stopped next time), checked against its MD5, then renamed into place, so that a
// file at `destination` is always whole. Uses libcurl when tapenet was built with it.
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "tapenet/core/error.hpp"
#include "tapenet/core/file.hpp"
#include "tapenet/download/md5.hpp"
#ifdef TAPENET_HAS_CURL
#include <curl/curl.h>
#endif

namespace tapenet::download {

struct DownloadOptions {
  std::string expected_md5 = {};  // empty: no check
  bool show_progress = true;      // a progress bar on stderr, when stderr is a terminal
  long connect_timeout_seconds = 30;
  long stalled_seconds = 60;  // give up when no byte arrives for this long
};

namespace detail {

#ifdef TAPENET_HAS_CURL
struct Transfer {
  std::FILE* file = nullptr;
  std::uint64_t resumed_from = 0;
  bool show_progress = false;
  std::string name;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now(), last_draw;

  static std::size_t write(char* data, std::size_t, std::size_t size, void* context) {
    return std::fwrite(data, 1, size, static_cast<Transfer*>(context)->file);
  }

  static int progress(void* context, curl_off_t total, curl_off_t now, curl_off_t, curl_off_t) {
    auto& self = *static_cast<Transfer*>(context);
    auto clock = std::chrono::steady_clock::now();
    bool done = total > 0 && now == total;
    if (!done && clock - self.last_draw < std::chrono::milliseconds(200)) return 0;
    self.last_draw = clock;
    double seconds = std::chrono::duration<double>(clock - self.start).count();
    double mb = 1e-6 * static_cast<double>(self.resumed_from + now);
    double total_mb = 1e-6 * static_cast<double>(self.resumed_from + total);
    int percent = total > 0 ? static_cast<int>(100.0 * mb / total_mb) : 0;
    int filled = percent * 30 / 100;
    std::fprintf(stderr, "\rdownloading %s [%s%s] %3d%% %.1f/%.1f MB %.1f MB/s", self.name.c_str(),
                 std::string(static_cast<std::size_t>(filled), '#').c_str(),
                 std::string(static_cast<std::size_t>(30 - filled), '.').c_str(), percent, mb,
                 total_mb, seconds > 0 ? 1e-6 * static_cast<double>(now) / seconds : 0.0);
    if (done) std::fprintf(stderr, "\n");
    return 0;
  }
};

// One attempt; returns curl's result and the HTTP status.
inline CURLcode fetch(const std::string& url, const std::string& part,
                      const DownloadOptions& options, long& status, std::string& message) {
  static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  if (!initialised) fail("cannot download ", url, ": libcurl failed to initialise");
  Transfer transfer;
  std::error_code error;
  if (std::filesystem::exists(part, error))
    transfer.resumed_from = std::filesystem::file_size(part, error);
  transfer.file = std::fopen(part.c_str(), "ab");
  if (!transfer.file) fail(part, ": cannot open it for writing: ", std::strerror(errno));
  transfer.name = std::filesystem::path(part).stem().string();
  transfer.show_progress = options.show_progress && ::isatty(STDERR_FILENO);
  if (options.show_progress && !transfer.show_progress)
    std::fprintf(stderr, "downloading %s to %s\n", url.c_str(), part.c_str());
  char curl_error[CURL_ERROR_SIZE] = "";
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_error);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, options.connect_timeout_seconds);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, options.stalled_seconds);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &Transfer::write);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  if (transfer.resumed_from > 0)
    curl_easy_setopt(curl, CURLOPT_RESUME_FROM_LARGE,
                     static_cast<curl_off_t>(transfer.resumed_from));
  if (transfer.show_progress) {
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &Transfer::progress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &transfer);
  }
  CURLcode result = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  message = curl_error[0] ? curl_error : curl_easy_strerror(result);
  curl_easy_cleanup(curl);
  bool flushed = std::fflush(transfer.file) == 0 && ::fsync(::fileno(transfer.file)) == 0;
  if (std::fclose(transfer.file) != 0 || !flushed)
    fail(part, ": cannot write the download to disk: ", std::strerror(errno));
  return result;
}
#endif

}  // namespace detail

inline void download_file(const std::string& url, const std::string& destination,
                          const DownloadOptions& options = {}) {
  const std::string part = destination + ".part";
#ifdef TAPENET_HAS_CURL
  long status = 0;
  std::string message;
  CURLcode result = detail::fetch(url, part, options, status, message);
  // A server that cannot resume (no Range support, or the .part is already as long as the file):
  // start over.
  if (result == CURLE_RANGE_ERROR || (result == CURLE_HTTP_RETURNED_ERROR && status == 416)) {
    std::filesystem::remove(part);
    result = detail::fetch(url, part, options, status, message);
  }
  if (result != CURLE_OK) {
    std::error_code error;
    auto kept = std::filesystem::exists(part, error) ? std::filesystem::file_size(part, error) : 0;
    if (kept == 0) std::filesystem::remove(part, error);
    fail("downloading ", url, " failed: ", message,
         kept > 0 ? "; the first " + count(kept, "byte") + (kept == 1 ? " is" : " are") +
                        " kept in " + part + " and the next try resumes there"
                  : std::string(),
         " (offline? then put the file at ", destination, " yourself)");
  }
#else
  fail("cannot download ", url,
       ": tapenet was built without libcurl; download it yourself and put it at ", destination);
#endif
  if (!options.expected_md5.empty()) {
    std::string actual = md5_of_file(part);
    if (actual != options.expected_md5) {
      std::filesystem::remove(part);
      fail("downloaded ", url, " but its MD5 is ", actual, ", expected ", options.expected_md5,
           " (a damaged or different file; it was removed, try again)");
    }
  }
  rename_durably(part, destination);
}

}  // namespace tapenet::download
