#include <catch2/catch.hpp>
#include <filesystem>

#include "support/files.hpp"
#include "tapenet/tapenet.hpp"

using namespace tapenet;
using namespace tapenet::testing;

namespace {

Bytes big_endian(std::initializer_list<std::uint32_t> values) {
  Bytes out;
  for (std::uint32_t v : values)
    for (int shift = 24; shift >= 0; shift -= 8)
      out.push_back(static_cast<std::uint8_t>(v >> shift));
  return out;
}

Bytes idx_images(std::uint32_t count, std::uint32_t rows, std::uint32_t columns) {
  Bytes out = big_endian({0x803, count, rows, columns});
  for (std::uint32_t i = 0; i < count * rows * columns; ++i)
    out.push_back(static_cast<std::uint8_t>(i * 7));
  return out;
}

Bytes idx_labels(std::vector<std::uint8_t> labels) {
  Bytes out = big_endian({0x801, static_cast<std::uint32_t>(labels.size())});
  out.insert(out.end(), labels.begin(), labels.end());
  return out;
}

}  // namespace

TEST_CASE("FashionMNIST reads IDX files, gzipped or not", "[fast][data]") {
  TempDir dir;
  write_bytes(dir / "train-images-idx3-ubyte.gz", gzip(idx_images(3, 28, 28)));
  write_bytes(dir / "train-labels-idx1-ubyte.gz", gzip(idx_labels({9, 0, 3})));
  write_bytes(dir / "t10k-images-idx3-ubyte", idx_images(2, 28, 28));
  write_bytes(dir / "t10k-labels-idx1-ubyte", idx_labels({1, 2}));
  datasets::FashionMNIST train(dir.path().string());
  REQUIRE(train.size() == 3);
  REQUIRE(train[0].label == 9);
  REQUIRE(train.classes()[9] == "Ankle boot");
  io::Image image = train[1].input;
  REQUIRE(image.channels == 1);
  REQUIRE(image.at(2, 5, 0) == static_cast<std::uint8_t>((28 * 28 + 2 * 28 + 5) * 7));
  datasets::FashionMNIST test(
      dir.path().string(), {.train = false},
      transforms::Compose(datasets::fashion_mnist_as_cifar(), transforms::ToTensor()));
  REQUIRE(test.size() == 2);
  REQUIRE(test[1].input.shape() == Shape{3, 32, 32});
  REQUIRE(test[1].label == 2);
}

TEST_CASE("FashionMNIST names the file and the problem for bad input", "[fast][data]") {
  TempDir dir;
  const std::string images = dir / "train-images-idx3-ubyte",
                    labels = dir / "train-labels-idx1-ubyte";
  write_bytes(images, idx_images(3, 28, 28));
  write_bytes(labels, idx_labels({1, 2, 3}));
  auto load = [&] { datasets::FashionMNIST d(dir.path().string()); };

  SECTION("missing") {
    std::filesystem::remove(labels);
    REQUIRE_THROWS_WITH(
        load(),
        Catch::StartsWith("FashionMNIST: no train-labels-idx1-ubyte(.gz) in '" +
                          dir.path().string() + "' (on Debian: apt install dataset-fashion-mnist"));
  }
  SECTION("labels and images swapped") {
    write_bytes(labels, idx_images(3, 28, 28));
    REQUIRE_THROWS_WITH(load(), labels +
                                    ": starts with 0x803, expected the IDX magic number 0x801 (not "
                                    "a Fashion-MNIST labels file)");
  }
  SECTION("counts disagree") {
    write_bytes(labels, idx_labels({1, 2}));
    REQUIRE_THROWS_WITH(load(), images + " has 3 images but " + labels + " has 2 labels");
  }
  SECTION("truncated pixels") {
    Bytes bytes = idx_images(3, 28, 28);
    bytes.resize(bytes.size() - 10);
    write_bytes(images, bytes);
    REQUIRE_THROWS_WITH(
        load(),
        images + ": cut short at byte 2358 while reading the pixels (2352 bytes from byte 16)");
  }
  SECTION("a truncated gzip") {
    Bytes bytes = gzip(idx_images(3, 28, 28));
    bytes.resize(bytes.size() - 12);
    std::filesystem::remove(images);
    write_bytes(images + ".gz", bytes);
    REQUIRE_THROWS_WITH(load(),
                        Catch::StartsWith(images + ".gz: the compressed stream is cut short"));
  }
  SECTION("a bad label") {
    write_bytes(labels, idx_labels({1, 10, 3}));
    REQUIRE_THROWS_WITH(load(), labels + ": label 1 at byte 9 is 10, expected 0 to 9");
  }
  SECTION("an absurd declared size") {
    write_bytes(images, big_endian({0x803, 3, 100000, 28}));
    REQUIRE_THROWS_WITH(load(), Catch::StartsWith(images + ": declares 3 images of 100000x28"));
  }
  SECTION("empty") {
    write_bytes(images, {});
    REQUIRE_THROWS_WITH(
        load(),
        images + ": cut short at byte 0 while reading the IDX header (4 bytes from byte 0)");
  }
}

TEST_CASE("FashionMNIST from Debian's dataset-fashion-mnist package", "[slow][data][real_data]") {
  if (!std::filesystem::exists(std::string(datasets::fashion_mnist::debian_root) +
                               "/t10k-images-idx3-ubyte.gz")) {
    WARN("skipped: dataset-fashion-mnist is not installed");
    return;
  }
  datasets::FashionMNIST train;
  datasets::FashionMNIST test(datasets::fashion_mnist::debian_root, {.train = false});
  REQUIRE(train.size() == 60'000);
  REQUIRE(test.size() == 10'000);
  for (const auto* set : {&train, &test}) {
    std::vector<int> per_class(10, 0);
    for (auto label : set->targets()) ++per_class[static_cast<std::size_t>(label)];
    for (int count : per_class) REQUIRE(count == set->size() / 10);
  }
  REQUIRE(train.targets()[0] == 9);  // the first training picture is an ankle boot
  REQUIRE(test.targets()[0] == 9);
}
