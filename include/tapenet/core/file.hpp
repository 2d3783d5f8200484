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

namespace detail {
// Flushes a folder's entries to the disk, so that a file renamed into it survives a power cut.
inline void sync_directory(const std::filesystem::path& directory) {
  int fd = ::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

// The name write_file_atomically gives its temporary file for `path`: ".NAME.XXXXXX" beside it.
inline std::string temporary_name(const std::filesystem::path& path) {
  return (path.parent_path() / ("." + path.filename().string() + ".XXXXXX")).string();
}
}  // namespace detail

// Renames `from` over `to` (one step on one file system: `to` is the old file or the new one, never
// neither), then flushes the folder's entries so that the rename survives a power cut. `from` is
// expected to be on the disk already (written with fsync, as write_file_atomically does).
inline void rename_durably(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0)
    fail(to, ": cannot rename ", from, " into place: ", std::strerror(errno));
  const auto target_folder = std::filesystem::path(to).parent_path();
  detail::sync_directory(target_folder);
  const auto source_folder = std::filesystem::path(from).parent_path();
  if (source_folder != target_folder) detail::sync_directory(source_folder);
}

// Writes `contents` to `path` so that a reader (or a crash) sees either the old file or the whole
// new one, never half: write a temporary file next to it, flush it to the disk, rename it over.
inline void write_file_atomically(const std::string& path, const std::string& contents) {
  std::string temp = detail::temporary_name(path);
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
  try {
    rename_durably(temp, path);
  } catch (const Error&) {
    ::unlink(temp.c_str());
    throw;
  }
}

// Removes the temporary files that writes of `path` by write_file_atomically left behind when a
// crash cut them short (".NAME.XXXXXX" beside it). Call it only when no such write is under way.
inline void remove_unfinished_writes(const std::string& path) {
  const std::filesystem::path target(path);
  const std::filesystem::path folder = target.parent_path().empty() ? "." : target.parent_path();
  const std::string prefix = "." + target.filename().string() + ".";
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
    const std::string name = entry.path().filename().string();
    if (name.size() == prefix.size() + 6 && name.starts_with(prefix))
      std::filesystem::remove(entry.path(), error);
  }
}

}  // namespace tapenet
