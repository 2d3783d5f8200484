#pragma once
// MD5 (RFC 1321), the checksum the CIFAR-10 site publishes. Not for security: only to tell a
// complete download from a damaged one.
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "tapenet/core/error.hpp"

namespace tapenet::download {

class Md5 {
 public:
  void update(const void* data, std::size_t size) {
    const auto* bytes = static_cast<const std::uint8_t*>(data);
    total_bytes_ += size;
    while (size > 0) {
      std::size_t take = std::min(size, block_.size() - filled_);
      std::memcpy(block_.data() + filled_, bytes, take);
      filled_ += take;
      bytes += take;
      size -= take;
      if (filled_ == block_.size()) {
        compress(block_.data());
        filled_ = 0;
      }
    }
  }

  // The digest as 32 lowercase hex digits. Ends the computation.
  std::string hex_digest() {
    std::uint64_t message_bits = total_bytes_ * 8;
    const std::uint8_t one_bit = 0x80, zero = 0;
    update(&one_bit, 1);
    while (filled_ != 56) update(&zero, 1);
    std::uint8_t length[8];
    for (int i = 0; i < 8; ++i) length[i] = static_cast<std::uint8_t>(message_bits >> (8 * i));
    update(length, 8);
    std::string hex;
    for (std::uint32_t word : state_)
      for (int i = 0; i < 4; ++i) {
        std::uint8_t byte = static_cast<std::uint8_t>(word >> (8 * i));
        hex += "0123456789abcdef"[byte >> 4];
        hex += "0123456789abcdef"[byte & 15];
      }
    return hex;
  }

 private:
  void compress(const std::uint8_t* block) {
    static const std::array<std::uint32_t, 64> sine_table = [] {
      std::array<std::uint32_t, 64> table{};  // floor(|sin(i + 1)| · 2^32)
      for (int i = 0; i < 64; ++i)
        table[i] = static_cast<std::uint32_t>(std::fabs(std::sin(i + 1.0)) * 4294967296.0);
      return table;
    }();
    static constexpr int shifts[4][4] = {
        {7, 12, 17, 22}, {5, 9, 14, 20}, {4, 11, 16, 23}, {6, 10, 15, 21}};
    std::uint32_t words[16];
    for (int i = 0; i < 16; ++i)
      words[i] = std::uint32_t(block[4 * i]) | std::uint32_t(block[4 * i + 1]) << 8 |
                 std::uint32_t(block[4 * i + 2]) << 16 | std::uint32_t(block[4 * i + 3]) << 24;
    auto [a, b, c, d] = state_;
    for (int i = 0; i < 64; ++i) {
      std::uint32_t mixed;
      int word;
      switch (i / 16) {
        case 0:
          mixed = (b & c) | (~b & d), word = i;
          break;
        case 1:
          mixed = (d & b) | (~d & c), word = (5 * i + 1) % 16;
          break;
        case 2:
          mixed = b ^ c ^ d, word = (3 * i + 5) % 16;
          break;
        default:
          mixed = c ^ (b | ~d), word = (7 * i) % 16;
          break;
      }
      std::uint32_t rotated =
          std::rotl(a + mixed + sine_table[i] + words[word], shifts[i / 16][i % 4]);
      a = d;
      d = c;
      c = b;
      b += rotated;
    }
    state_[0] += a;
    state_[1] += b;
    state_[2] += c;
    state_[3] += d;
  }

  std::array<std::uint32_t, 4> state_ = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
  std::array<std::uint8_t, 64> block_{};
  std::size_t filled_ = 0;
  std::uint64_t total_bytes_ = 0;
};

inline std::string md5_of_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, ": cannot open it to compute its checksum");
  Md5 md5;
  std::vector<char> buffer(1 << 20);
  while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0)
    md5.update(buffer.data(), static_cast<std::size_t>(in.gcount()));
  return md5.hex_digest();
}

}  // namespace tapenet::download
