#pragma once
// Reading a whole file, and writing one so that nobody ever sees half of it.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tapenet/core/error.hpp"

namespace tapenet {

// The bytes of `path`; refuses files over `max_bytes` before reading them.
inline std::vector<std::uint8_t> read_file_bytes(const std::string& path,
                                                 std::uint64_t max_bytes = std::uint64_t(1) << 32) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) fail(path, ": no such file");
  std::uint64_t size = std::filesystem::file_size(path, error);
  if (error) fail(path, ": cannot read its size: ", error.message());
  if (size > max_bytes) fail(path, ": ", size, " bytes, more than the limit of ", max_bytes);
  std::vector<std::uint8_t> bytes(size);
  std::ifstream in(path, std::ios::binary);
  if (!in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size)))
    fail(path, ": cannot read it");
  return bytes;
}

// Writes `contents` to `path` so that a reader (or a crash) sees either the old file or the whole
// new one, never half: write a temporary file next to it, flush it to the disk, rename it over.
inline void write_file_atomically(const std::string& path, const std::string& contents) {
  std::filesystem::path target(path);
  std::string temp =
      (target.parent_path() / ("." + target.filename().string() + ".XXXXXX")).string();
  if (target.parent_path().empty()) temp = "." + target.filename().string() + ".XXXXXX";
  int fd = ::mkstemp(temp.data());
  if (fd < 0) fail(path, ": cannot create a temporary file next to it: ", std::strerror(errno));
  auto give_up = [&](const char* step) {
    int saved = errno;
    ::close(fd);
    ::unlink(temp.c_str());
    fail(path, ": ", step, " failed: ", std::strerror(saved));
  };
  for (std::size_t written = 0; written < contents.size();) {
    ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) give_up("writing");
    written += static_cast<std::size_t>(n);
  }
  if (::fchmod(fd, 0644) != 0 || ::fsync(fd) != 0) give_up("flushing to disk");
  if (::close(fd) != 0) {
    ::unlink(temp.c_str());
    fail(path, ": closing the temporary file failed: ", std::strerror(errno));
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    int saved = errno;
    ::unlink(temp.c_str());
    fail(path, ": renaming the temporary file into place failed: ", std::strerror(saved));
  }
  std::string directory = target.parent_path().empty() ? "." : target.parent_path().string();
  int dir_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY);
  if (dir_fd >= 0) {  // so the rename itself survives a power cut
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
}

}  // namespace tapenet
