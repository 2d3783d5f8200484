#pragma once
// Reading .gz files and .tar(.gz) archives as streams, without unpacking anything to disk.
//   gzip  a compressed stream (zlib inflates it; an uncompressed file reads through unchanged)
//   tar   512-byte blocks: one header block per member (name, size in octal, a checksum), then
//         the member's bytes padded to whole blocks; two zero blocks end the archive
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tapenet/core/error.hpp"

namespace tapenet::download {

class GzipReader {
 public:
  explicit GzipReader(std::string path) : path_(std::move(path)) {
    file_ = gzopen(path_.c_str(), "rb");
    if (!file_) fail(path_, ": cannot open it");
    gzbuffer(file_, 1 << 20);
  }
  GzipReader(const GzipReader&) = delete;
  GzipReader& operator=(const GzipReader&) = delete;
  ~GzipReader() { gzclose(file_); }

  const std::string& path() const { return path_; }
  std::uint64_t offset() const { return offset_; }  // in the decompressed stream

  // Reads up to `size` bytes; fewer only at the end of the stream. A cut or corrupt file throws.
  std::size_t read_some(void* buffer, std::size_t size) {
    std::size_t total = 0;
    auto* out = static_cast<char*>(buffer);
    while (total < size) {
      unsigned chunk = static_cast<unsigned>(std::min<std::size_t>(size - total, 1u << 30));
      int got = gzread(file_, out + total, chunk);
      if (got < 0 || (got == 0 && !gzeof(file_))) stream_error();
      if (got == 0) {
        int code = 0;
        gzerror(file_, &code);
        if (code != Z_OK) stream_error();
        break;
      }
      total += static_cast<std::size_t>(got);
    }
    offset_ += total;
    return total;
  }

  void read_exactly(void* buffer, std::size_t size, const std::string& what) {
    std::uint64_t start = offset_;
    if (read_some(buffer, size) != size)
      fail(path_, ": cut short at byte ", offset_, " while reading ", what, " (",
           count(size, "byte"), " from byte ", start, ")");
  }

 private:
  [[noreturn]] void stream_error() {
    int code = 0;
    const char* message = gzerror(file_, &code);
    if (code == Z_BUF_ERROR)
      fail(path_, ": the compressed stream is cut short after byte ", offset_,
           " of its contents (a partial download?)");
    fail(path_, ": corrupt compressed data after byte ", offset_, " of its contents: ", message);
  }

  std::string path_;
  gzFile file_ = nullptr;
  std::uint64_t offset_ = 0;
};

struct TarMember {
  std::string name;
  std::uint64_t size = 0;
  bool is_file = false;
};

class TarReader {
 public:
  explicit TarReader(const std::string& path) : stream_(path) {}

  // The next member's header, or nothing at the end of the archive. Skips what was not read.
  std::optional<TarMember> next() {
    skip_rest_of_member();
    std::string long_name;
    while (true) {
      std::uint8_t block[512];
      std::uint64_t header_at = stream_.offset();
      std::size_t got = stream_.read_some(block, sizeof block);
      if (got == 0) return std::nullopt;  // no end blocks, but the compressed stream ended cleanly
      if (got < sizeof block)
        fail(path(), ": cut short at byte ", stream_.offset(), " inside a tar header");
      if (std::all_of(block, block + 512, [](std::uint8_t b) { return b == 0; }))
        return std::nullopt;
      check_header_checksum(block, header_at);
      TarMember member;
      member.size = parse_size(block, header_at);
      char type = static_cast<char>(block[156]);
      remaining_ = member.size;
      padding_ = (512 - member.size % 512) % 512;
      if (type == 'L') {  // GNU: the next member's long name is this member's data
        std::vector<std::uint8_t> name = read_member();
        long_name.assign(name.begin(), std::find(name.begin(), name.end(), std::uint8_t(0)));
        skip_rest_of_member();
        continue;
      }
      member.name = long_name.empty() ? header_name(block) : long_name;
      member.is_file = type == '0' || type == '\0';
      return member;
    }
  }

  // The current member's bytes (call at most once per member).
  std::vector<std::uint8_t> read_member() {
    std::vector<std::uint8_t> bytes(remaining_);
    stream_.read_exactly(bytes.data(), bytes.size(), "a tar member's data");
    remaining_ = 0;
    return bytes;
  }

  const std::string& path() const { return stream_.path(); }

 private:
  void skip_rest_of_member() {
    std::uint64_t to_skip = remaining_ + padding_;
    std::vector<std::uint8_t> scratch(std::min<std::uint64_t>(to_skip, 1 << 20));
    while (to_skip > 0) {
      std::size_t chunk = std::min<std::uint64_t>(to_skip, scratch.size());
      stream_.read_exactly(scratch.data(), chunk, "a tar member's data");
      to_skip -= chunk;
    }
    remaining_ = padding_ = 0;
  }

  // The checksum is the sum of the header's bytes with its own 8-byte field read as spaces.
  void check_header_checksum(const std::uint8_t* block, std::uint64_t at) const {
    std::uint64_t sum = 0;
    for (int i = 0; i < 512; ++i) sum += (i >= 148 && i < 156) ? std::uint8_t(' ') : block[i];
    std::uint64_t stored = parse_octal(block + 148, 8, at);
    if (stored != sum)
      corrupt_header(at,
                     "checksum " + std::to_string(stored) + ", computed " + std::to_string(sum));
  }

  [[noreturn]] void corrupt_header(std::uint64_t at, const std::string& why) const {
    fail(path(), ": the tar header at byte ", at, " is corrupt (", why,
         "): not a tar archive, or a damaged one");
  }

  std::uint64_t parse_size(const std::uint8_t* field_block, std::uint64_t at) const {
    const std::uint8_t* field = field_block + 124;
    if (field[0] & 0x80) {  // GNU base-256 for members of 8 GiB and more
      std::uint64_t value = 0;
      for (int i = 1; i < 12; ++i) value = (value << 8) | field[i];
      return value;
    }
    return parse_octal(field, 12, at);
  }

  std::uint64_t parse_octal(const std::uint8_t* field, int length, std::uint64_t at) const {
    std::uint64_t value = 0;
    int i = 0;
    while (i < length && field[i] == ' ') ++i;
    for (; i < length && field[i] >= '0' && field[i] <= '7'; ++i)
      value = value * 8 + (field[i] - '0');
    if (i < length && field[i] != ' ' && field[i] != 0) corrupt_header(at, "a malformed number");
    return value;
  }

  static std::string header_name(const std::uint8_t* block) {
    auto field = [&](int offset, int length) {
      const char* begin = reinterpret_cast<const char*>(block + offset);
      return std::string(begin, std::find(begin, begin + length, '\0'));
    };
    std::string prefix = field(345, 155), name = field(0, 100);
    bool ustar = std::equal(block + 257, block + 262, "ustar");
    return ustar && !prefix.empty() ? prefix + "/" + name : name;
  }

  GzipReader stream_;
  std::uint64_t remaining_ = 0, padding_ = 0;
};

}  // namespace tapenet::download
