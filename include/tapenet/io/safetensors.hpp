#pragma once
// The safetensors file format (what Hugging Face and PyTorch users share weights in):
//   8 bytes      N, the header's length, a little-endian unsigned 64-bit integer
//   N bytes      a JSON object: {"conv1.weight": {"dtype": "F32", "shape": [64, 3, 7, 7],
//                "data_offsets": [begin, end]}, ..., "__metadata__": {"key": "value"}}
//   the rest     the tensors' bytes, little-endian, row-major; offsets count from here
// Reading checks everything before trusting it: a malformed or hostile file gives an Error
// naming the file and the problem, never a crash or a huge allocation.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tapenet/core/error.hpp"
#include "tapenet/core/file.hpp"

namespace tapenet::io {

// One tensor as stored: its dtype name ("F32", "I64", ...), shape and raw bytes.
struct StoredTensor {
  std::string dtype;
  std::vector<std::int64_t> shape;
  std::vector<char> bytes;

  std::int64_t numel() const {
    std::int64_t n = 1;
    for (auto d : shape) n *= d;
    return n;
  }
};

struct SafetensorsFile {
  std::map<std::string, StoredTensor> tensors;
  std::map<std::string, std::string> metadata;
};

// Bytes per element of each dtype safetensors defines; 0 for a name it does not define.
inline std::size_t dtype_size(const std::string& dtype) {
  static const std::map<std::string, std::size_t> sizes{
      {"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"F8_E4M3", 1}, {"F8_E5M2", 1},
      {"I16", 2},  {"U16", 2}, {"F16", 2}, {"BF16", 2},    {"I32", 4},
      {"U32", 4},  {"F32", 4}, {"I64", 8}, {"U64", 8},     {"F64", 8}};
  auto it = sizes.find(dtype);
  return it == sizes.end() ? 0 : it->second;
}

// Headers beyond this are refused before anything is allocated for them (the reference
// implementation's limit).
inline constexpr std::uint64_t max_header_bytes = 100'000'000;

inline SafetensorsFile read_safetensors(const std::string& path) {
  std::error_code error;
  auto file_size = std::filesystem::file_size(path, error);
  if (error) fail(path, ": cannot read: ", error.message());
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, ": cannot open for reading");
  auto bad = [&](const auto&... parts) {
    fail(path, ": not a valid safetensors file: ", parts...);
  };

  if (file_size < 8)
    bad("it is ", count(file_size, "byte"), " long, too short for the 8-byte header size");
  unsigned char size_bytes[8];
  in.read(reinterpret_cast<char*>(size_bytes), 8);
  std::uint64_t header_size = 0;
  for (int i = 7; i >= 0; --i) header_size = header_size << 8 | size_bytes[i];
  if (header_size > max_header_bytes || header_size > file_size - 8)
    bad("the header claims ", count(header_size, "byte"), " but the file has ", file_size - 8,
        " after the size field");
  std::string header(header_size, '\0');
  in.read(header.data(), static_cast<std::streamsize>(header_size));
  if (!in) fail(path, ": read error in the header");

  nlohmann::json json;
  try {
    json = nlohmann::json::parse(header);
  } catch (const nlohmann::json::exception& e) {
    bad("the header is not JSON (", e.what(), ")");
  }
  if (!json.is_object()) bad("the header is not a JSON object");

  SafetensorsFile result;
  std::uint64_t data_size = file_size - 8 - header_size;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
  for (const auto& [name, entry] : json.items()) {
    if (name == "__metadata__") {
      if (!entry.is_object()) bad("__metadata__ is not an object");
      for (const auto& [key, value] : entry.items()) {
        if (!value.is_string()) bad("__metadata__ value of \"", key, "\" is not a string");
        result.metadata[key] = value.get<std::string>();
      }
      continue;
    }
    auto where = "tensor \"" + name + "\": ";
    if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") ||
        !entry.contains("data_offsets"))
      bad(where, "expected an object with dtype, shape and data_offsets");
    const auto &dtype = entry["dtype"], &shape = entry["shape"], &offsets = entry["data_offsets"];
    if (!dtype.is_string() || dtype_size(dtype.get<std::string>()) == 0)
      bad(where, "unknown dtype ", dtype.dump());
    StoredTensor tensor;
    tensor.dtype = dtype.get<std::string>();
    if (!shape.is_array() || shape.size() > 8)
      bad(where, "shape ", shape.dump(), " is not a list of up to 8 sizes");
    std::uint64_t numel = 1;
    for (const auto& d : shape) {
      if (!d.is_number_unsigned() || d.get<std::uint64_t>() > data_size)
        bad(where, "shape ", shape.dump(), " has an invalid size");
      numel *= std::max<std::uint64_t>(d.get<std::uint64_t>(), 1);
      if (numel > data_size) bad(where, "shape ", shape.dump(), " is larger than the whole file");
      tensor.shape.push_back(d.get<std::int64_t>());
    }
    if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
        !offsets[1].is_number_unsigned())
      bad(where, "data_offsets ", offsets.dump(), " is not [begin, end]");
    std::uint64_t begin = offsets[0], end = offsets[1];
    if (begin > end || end > data_size)
      bad(where, "data_offsets [", begin, ", ", end, "] are outside the ", count(data_size, "byte"),
          " of data");
    std::uint64_t expected = std::uint64_t(tensor.numel()) * dtype_size(tensor.dtype);
    if (end - begin != expected)
      bad(where, "data_offsets span ", count(end - begin, "byte"), " but ", tensor.dtype, " ",
          shape.dump(), " needs ", expected);
    ranges.emplace_back(begin, end);
    tensor.bytes.resize(end - begin);
    in.seekg(static_cast<std::streamoff>(8 + header_size + begin));
    in.read(tensor.bytes.data(), static_cast<std::streamsize>(end - begin));
    if (!in) fail(path, ": read error in the data of tensor \"", name, "\"");
    result.tensors.emplace(name, std::move(tensor));
  }
  std::sort(ranges.begin(), ranges.end());
  for (std::size_t i = 1; i < ranges.size(); ++i)
    if (ranges[i].first < ranges[i - 1].second)
      bad("two tensors' data_offsets overlap at byte ", ranges[i].first);
  return result;
}

// Tensors are written in the order given, 8-byte aligned (the header is padded with spaces).
inline void write_safetensors(const std::string& path,
                              const std::vector<std::pair<std::string, StoredTensor>>& tensors,
                              const std::map<std::string, std::string>& metadata = {}) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::uint64_t offset = 0;
  for (const auto& [name, tensor] : tensors) {
    header[name] = {{"dtype", tensor.dtype},
                    {"shape", tensor.shape},
                    {"data_offsets", {offset, offset + tensor.bytes.size()}}};
    offset += tensor.bytes.size();
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  std::string contents;
  contents.reserve(8 + text.size() + offset);
  for (int i = 0; i < 8; ++i) contents += char((std::uint64_t(text.size()) >> (8 * i)) & 0xff);
  contents += text;
  for (const auto& [name, tensor] : tensors)
    contents.append(tensor.bytes.data(), tensor.bytes.size());
  write_file_atomically(path, contents);
}

}  // namespace tapenet::io
