#pragma once
// Scratch folders and small generated data files (tar.gz archives, CIFAR-10 records) for the
// data tests, so that they need no downloads.
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace tapenet::testing {

using Bytes = std::vector<std::uint8_t>;

// A fresh folder under the system's temporary directory, removed with everything in it at the end.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tapenet_test_XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline void write_bytes(const std::string& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

inline Bytes read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

inline Bytes gzip(const Bytes& bytes) {
  uLongf size = compressBound(static_cast<uLong>(bytes.size())) + 32;
  Bytes out(size);
  z_stream stream{};
  deflateInit2(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);  // +16: gzip wrapper
  stream.next_in = const_cast<Bytes::value_type*>(bytes.data());
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = out.data();
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

// A ustar archive of the given (name, contents) members.
inline Bytes tar(const std::vector<std::pair<std::string, Bytes>>& members) {
  Bytes out;
  for (const auto& [name, contents] : members) {
    std::uint8_t header[512] = {};
    std::snprintf(reinterpret_cast<char*>(header), 100, "%s", name.c_str());
    std::snprintf(reinterpret_cast<char*>(header + 100), 8, "%07o", 0644);
    std::snprintf(reinterpret_cast<char*>(header + 124), 12, "%011llo",
                  static_cast<unsigned long long>(contents.size()));
    header[156] = '0';
    std::copy_n("ustar", 6, header + 257);
    std::copy_n("00", 2, header + 263);
    unsigned sum = 0;
    for (int i = 0; i < 512; ++i) sum += (i >= 148 && i < 156) ? ' ' : header[i];
    std::snprintf(reinterpret_cast<char*>(header + 148), 8, "%06o", sum);
    out.insert(out.end(), header, header + 512);
    out.insert(out.end(), contents.begin(), contents.end());
    out.resize((out.size() + 511) / 512 * 512, 0);
  }
  out.resize(out.size() + 1024, 0);
  return out;
}

// `count` CIFAR-10 records: label k % 10 (or `labels` when given), pixels from a seeded generator.
inline Bytes cifar_records(int count, unsigned seed, std::vector<std::uint8_t> labels = {}) {
  std::mt19937 random(seed);
  Bytes out;
  for (int k = 0; k < count; ++k) {
    out.push_back(labels.empty() ? static_cast<std::uint8_t>(k % 10)
                                 : labels[static_cast<std::size_t>(k)]);
    for (int i = 0; i < 3072; ++i) out.push_back(static_cast<std::uint8_t>(random()));
  }
  return out;
}

inline Bytes text_bytes(const std::string& text) { return Bytes(text.begin(), text.end()); }

inline const std::string cifar_class_lines =
    "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n";

// A small archive with CIFAR-10's layout: 5 training batches of `per_batch` records, a test batch.
inline Bytes small_cifar_archive(int per_batch = 3) {
  std::vector<std::pair<std::string, Bytes>> members;
  members.emplace_back("cifar-10-batches-bin/batches.meta.txt", text_bytes(cifar_class_lines));
  for (int b = 1; b <= 5; ++b)
    members.emplace_back("cifar-10-batches-bin/data_batch_" + std::to_string(b) + ".bin",
                         cifar_records(per_batch, static_cast<unsigned>(b)));
  members.emplace_back("cifar-10-batches-bin/test_batch.bin", cifar_records(per_batch, 99));
  members.emplace_back("cifar-10-batches-bin/readme.html", text_bytes("<html></html>"));
  return gzip(tar(members));
}

}  // namespace tapenet::testing
