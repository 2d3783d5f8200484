#pragma once
// CIFAR-10 from its official binary release, like torchvision.datasets.CIFAR10.
//   cifar-10-binary.tar.gz
//     cifar-10-batches-bin/data_batch_1.bin ... data_batch_5.bin   the 50,000 training images
//     cifar-10-batches-bin/test_batch.bin                          the 10,000 test images
//     cifar-10-batches-bin/batches.meta.txt                        the 10 class names
// A .bin file is a run of 3,073-byte records: one label byte (0 to 9), then the 32×32 image as
// three planes, red, green, blue, 1,024 bytes each, row by row.
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "tapenet/core/error.hpp"
#include "tapenet/core/file.hpp"
#include "tapenet/datasets/dataset.hpp"
#include "tapenet/download/archive.hpp"
#include "tapenet/download/download.hpp"

namespace tapenet::datasets {

struct CIFAR10Options {
  bool train = true;
  bool download = false;  // fetch the archive into root when it is not there
  bool extract = false;   // also unpack the archive into root/cifar-10-batches-bin/
  std::string url = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";
  std::string md5 = "c32a1d4ab5d03f1284b67883e8d87530";
};

namespace cifar10 {

inline constexpr std::int64_t side = 32, pixels_per_image = 3 * side * side;
inline constexpr std::int64_t record_bytes = 1 + pixels_per_image;
inline constexpr const char* folder = "cifar-10-batches-bin";
inline constexpr const char* archive_name = "cifar-10-binary.tar.gz";

inline std::vector<std::string> batch_files(bool train) {
  if (!train) return {"test_batch.bin"};
  return {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
          "data_batch_5.bin"};
}

// Appends the records of one .bin file (its bytes, and a name for errors) to `images`.
inline void append_records(const std::vector<std::uint8_t>& bytes, const std::string& name,
                           datasets::ImageSet& images) {
  const auto size = static_cast<std::int64_t>(bytes.size());
  if (size == 0) fail(name, ": empty, expected 3,073-byte records (10,000 in the official files)");
  if (size % record_bytes != 0)
    fail(name, ": ", count(size, "byte"),
         " is not a whole number of 3,073-byte records; the record at byte ",
         size / record_bytes * record_bytes, " is cut short (a truncated file?)");
  const std::int64_t count = size / record_bytes, plane = side * side;
  const std::size_t old_pixels = images.pixels.size();
  images.pixels.resize(old_pixels + static_cast<std::size_t>(count * pixels_per_image));
  std::uint8_t* out = images.pixels.data() + old_pixels;
  for (std::int64_t r = 0; r < count; ++r) {
    const std::uint8_t* record = bytes.data() + r * record_bytes;
    if (record[0] > 9)
      fail(name, ": record ", r, " at byte ", r * record_bytes, " has label ", int(record[0]),
           ", expected 0 to 9");
    images.labels.push_back(record[0]);
    for (std::int64_t i = 0; i < plane; ++i)  // RGB planes → HWC pixels
      for (std::int64_t c = 0; c < 3; ++c) *out++ = record[1 + c * plane + i];
  }
}

inline std::vector<std::string> parse_class_names(const std::vector<std::uint8_t>& bytes,
                                                  const std::string& name) {
  std::istringstream lines(std::string(bytes.begin(), bytes.end()));
  std::vector<std::string> classes;
  for (std::string line; std::getline(lines, line);) {
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
    if (!line.empty()) classes.push_back(line);
  }
  if (classes.size() != 10)
    fail(name, ": has ", count(classes.size(), "class name"), ", expected 10, one per line");
  return classes;
}

// Reads the wanted files out of the archive in one pass over its decompressed stream.
inline std::map<std::string, std::vector<std::uint8_t>> read_from_archive(
    const std::string& archive, const std::vector<std::string>& wanted,
    const std::string& extract_to) {
  std::map<std::string, std::vector<std::uint8_t>> found;
  download::TarReader tar(archive);
  while (auto member = tar.next()) {
    if (!member->is_file) continue;
    std::string file = std::filesystem::path(member->name).filename().string();
    std::string parent = std::filesystem::path(member->name).parent_path().filename().string();
    if (parent != folder) continue;
    bool keep = std::find(wanted.begin(), wanted.end(), file) != wanted.end();
    if (!keep && extract_to.empty()) continue;
    std::vector<std::uint8_t> bytes = tar.read_member();
    if (!extract_to.empty())
      write_file_atomically((std::filesystem::path(extract_to) / file).string(),
                            std::string(bytes.begin(), bytes.end()));
    if (keep) found[file] = std::move(bytes);
  }
  for (const std::string& file : wanted)
    if (!found.count(file))
      fail(archive, ": has no ", folder, "/", file,
           " (not the CIFAR-10 binary release, or cut short)");
  return found;
}

inline std::shared_ptr<const datasets::ImageSet> load(const std::string& root,
                                                      const CIFAR10Options& options) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::path directory = fs::path(root) / folder;
  fs::path archive =
      fs::is_regular_file(root, error) ? fs::path(root) : fs::path(root) / archive_name;
  const bool have_archive = fs::is_regular_file(archive, error);
  const bool have_directory =
      fs::is_directory(directory, error) && !(options.extract && have_archive);
  if (!have_directory && !have_archive) {
    if (!options.download)
      fail("CIFAR10: no data in '", root, "': expected ", directory.string(), "/ or ",
           archive.string(), " (download it from ", options.url, ", or pass .download = true)");
    fs::create_directories(root, error);
    if (error) fail(root, ": cannot create the directory: ", error.message());
    download::download_file(options.url, archive.string(), {.expected_md5 = options.md5});
  }

  std::vector<std::string> files = batch_files(options.train);
  files.push_back("batches.meta.txt");
  std::map<std::string, std::vector<std::uint8_t>> contents;
  if (have_directory) {
    for (const std::string& file : files)
      contents[file] = read_file_bytes((directory / file).string());
  } else {
    if (options.extract) fs::create_directories(directory, error);
    contents =
        read_from_archive(archive.string(), files, options.extract ? directory.string() : "");
  }
  auto name = [&](const std::string& file) {
    return have_directory ? (directory / file).string()
                          : archive.string() + ": " + folder + "/" + file;
  };

  auto images = std::make_shared<datasets::ImageSet>();
  images->height = images->width = side;
  images->channels = 3;
  for (const std::string& file : batch_files(options.train))
    append_records(contents[file], name(file), *images);
  images->classes = parse_class_names(contents["batches.meta.txt"], name("batches.meta.txt"));
  return images;
}

}  // namespace cifar10

// CIFAR10 train_set("./data", {.train = true, .download = true}, transform);
// `root` is a folder holding cifar-10-batches-bin/ or cifar-10-binary.tar.gz, or the archive
// itself.
template <class Transform = transforms::Identity>
class CIFAR10 : public datasets::LabelledImages<Transform> {
 public:
  explicit CIFAR10(const std::string& root, const CIFAR10Options& options = {},
                   Transform transform = {})
      : datasets::LabelledImages<Transform>(cifar10::load(root, options), std::move(transform)) {}
};

}  // namespace tapenet::datasets
