#pragma once
// Fashion-MNIST (70,000 grey 28×28 pictures of clothes in 10 classes) in the IDX format it ships
// in, gzipped or not. Debian's dataset-fashion-mnist package installs it, so it is the dataset
// that is always at hand offline. An IDX file is a big-endian header, then raw bytes:
//   images  0x00000803, count, rows, columns, then count × rows × columns pixels
//   labels  0x00000801, count, then count labels
#include <array>
#include <filesystem>
#include <memory>
#include <string>

#include "tapenet/core/error.hpp"
#include "tapenet/datasets/dataset.hpp"
#include "tapenet/download/archive.hpp"

namespace tapenet::datasets {

struct FashionMNISTOptions {
  bool train = true;
};

namespace fashion_mnist {

inline constexpr const char* debian_root = "/usr/share/datasets/fashion-mnist";

inline std::uint32_t read_big_endian(download::GzipReader& in, const std::string& what) {
  std::array<std::uint8_t, 4> bytes;
  in.read_exactly(bytes.data(), 4, what);
  return std::uint32_t(bytes[0]) << 24 | std::uint32_t(bytes[1]) << 16 |
         std::uint32_t(bytes[2]) << 8 | bytes[3];
}

// `stem` names the file without ".gz"; either form is read.
inline std::string find_file(const std::string& root, const std::string& stem) {
  for (std::string name : {stem + ".gz", stem})
    if (std::filesystem::is_regular_file(std::filesystem::path(root) / name))
      return (std::filesystem::path(root) / name).string();
  fail("FashionMNIST: no ", stem, "(.gz) in '", root,
       "' (on Debian: apt install dataset-fashion-mnist, which puts it in ", debian_root, ")");
}

inline std::shared_ptr<const datasets::ImageSet> load(const std::string& root, bool train) {
  const std::string prefix = train ? "train" : "t10k";
  download::GzipReader images_file(find_file(root, prefix + "-images-idx3-ubyte"));
  download::GzipReader labels_file(find_file(root, prefix + "-labels-idx1-ubyte"));
  auto check_magic = [](download::GzipReader& file, std::uint32_t expected) {
    std::uint32_t magic = read_big_endian(file, "the IDX header");
    if (magic != expected)
      fail(file.path(), ": starts with 0x", std::hex, magic, ", expected the IDX magic number 0x",
           expected, " (not a Fashion-MNIST ", expected == 0x803 ? "images" : "labels", " file)");
  };
  check_magic(images_file, 0x803);
  check_magic(labels_file, 0x801);
  const std::int64_t image_count = read_big_endian(images_file, "the image count");
  const std::int64_t rows = read_big_endian(images_file, "the row count");
  const std::int64_t columns = read_big_endian(images_file, "the column count");
  const std::int64_t label_count = read_big_endian(labels_file, "the label count");
  if (rows < 1 || columns < 1 || rows > 4096 || columns > 4096 || image_count > 10'000'000)
    fail(images_file.path(), ": declares ", count(image_count, "image"), " of ", rows, "x", columns,
         ", expected at most 10,000,000 images of at most 4096x4096");
  if (image_count != label_count)
    fail(images_file.path(), " has ", count(image_count, "image"), " but ", labels_file.path(),
         " has ", count(label_count, "label"));

  auto images = std::make_shared<datasets::ImageSet>();
  images->height = rows;
  images->width = columns;
  images->channels = 1;
  images->classes = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                     "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  images->pixels.resize(static_cast<std::size_t>(image_count * rows * columns));
  images_file.read_exactly(images->pixels.data(), images->pixels.size(), "the pixels");
  std::vector<std::uint8_t> labels(static_cast<std::size_t>(image_count));
  labels_file.read_exactly(labels.data(), labels.size(), "the labels");
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] > 9)
      fail(labels_file.path(), ": label ", i, " at byte ", 8 + i, " is ", int(labels[i]),
           ", expected 0 to 9");
    images->labels.push_back(labels[i]);
  }
  return images;
}

}  // namespace fashion_mnist

// FashionMNIST train_set(datasets::fashion_mnist::debian_root, {.train = true}, transform);
template <class Transform = transforms::Identity>
class FashionMNIST : public datasets::LabelledImages<Transform> {
 public:
  explicit FashionMNIST(const std::string& root = fashion_mnist::debian_root,
                        const FashionMNISTOptions& options = {}, Transform transform = {})
      : datasets::LabelledImages<Transform>(fashion_mnist::load(root, options.train),
                                            std::move(transform)) {}
};

// 28×28 grey → 32×32 RGB (2 pixels of black around, the grey repeated in three channels), so the
// networks made for CIFAR-10 take Fashion-MNIST unchanged.
inline auto fashion_mnist_as_cifar() {
  return transforms::Compose(transforms::Pad(2), transforms::ToRGB());
}

}  // namespace tapenet::datasets
