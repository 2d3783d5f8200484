#include <catch2/catch.hpp>

#include "support/files.hpp"
#include "support/fixtures.hpp"
#include "tapenet/tapenet.hpp"

using namespace tapenet;
using namespace tapenet::testing;
using io::Image;

namespace {

std::string image_fixture(const std::string& file) {
  return std::string(TAPENET_FIXTURE_DIR) + "/images/" + file;
}

// H×W×C, or H×W for a grey image (PIL's layout)
Image pil_decoded(const std::string& name) {
  static const Fixtures fixtures("data.txt");
  auto values = fixtures.tensor<cpu, double>(name).to_vector();
  auto shape = fixtures.tensor<cpu, double>(name).shape();
  Image image = Image::zeros(shape[0], shape[1], shape.rank() == 3 ? shape[2] : 1);
  for (std::size_t i = 0; i < values.size(); ++i)
    image.pixels[i] = static_cast<std::uint8_t>(values[i]);
  return image;
}

int worst_difference(const Image& a, const Image& b) {
  int worst = 0;
  for (std::size_t i = 0; i < a.pixels.size(); ++i)
    worst = std::max(worst, std::abs(a.pixels[i] - b.pixels[i]));
  return worst;
}

void append_chunk(Bytes& png, const std::string& type, const Bytes& data) {
  for (int shift = 24; shift >= 0; shift -= 8)
    png.push_back(static_cast<std::uint8_t>(data.size() >> shift));
  Bytes typed(type.begin(), type.end());
  typed.insert(typed.end(), data.begin(), data.end());
  png.insert(png.end(), typed.begin(), typed.end());
  auto crc = crc32(0, typed.data(), static_cast<uInt>(typed.size()));
  for (int shift = 24; shift >= 0; shift -= 8)
    png.push_back(static_cast<std::uint8_t>(crc >> shift));
}

// A PNG written byte by byte: 16-bit RGB (which stb cannot write), or any header we like.
Bytes png_file(std::uint32_t width, std::uint32_t height, int bit_depth, int color_type,
               const Bytes& rows) {
  Bytes png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  Bytes header;
  for (std::uint32_t v : {width, height})
    for (int shift = 24; shift >= 0; shift -= 8)
      header.push_back(static_cast<std::uint8_t>(v >> shift));
  header.insert(header.end(), {static_cast<std::uint8_t>(bit_depth),
                               static_cast<std::uint8_t>(color_type), 0, 0, 0});
  append_chunk(png, "IHDR", header);
  uLongf size = compressBound(static_cast<uLong>(rows.size()));
  Bytes compressed(size);
  compress(compressed.data(), &size, rows.data(), static_cast<uLong>(rows.size()));
  compressed.resize(size);
  append_chunk(png, "IDAT", compressed);
  append_chunk(png, "IEND", {});
  return png;
}

}  // namespace

TEST_CASE("load_image decodes GIF, BMP, TGA and 16-bit PNG exactly as PIL's convert('RGB')",
          "[fast][data][parity]") {
  for (const char* file : {"palette.gif", "rgb.bmp", "rgba.tga", "grey16.png"}) {
    INFO(file);
    std::string name = std::string("decode_") + file;
    std::replace(name.begin(), name.end(), '.', '_');
    REQUIRE(io::load_image(image_fixture(file)) == pil_decoded(name));
  }
}

TEST_CASE("load_image decodes JPEG close to PIL (the two decoders round differently)",
          "[fast][data][parity]") {
  for (const char* file : {"grey.jpg", "rgb.jpg"}) {
    INFO(file);
    std::string name = std::string("decode_") + file;
    std::replace(name.begin(), name.end(), '.', '_');
    Image ours = io::load_image(image_fixture(file)), pil = pil_decoded(name);
    REQUIRE(ours.height == pil.height);
    REQUIRE(ours.width == pil.width);
    REQUIRE(ours.channels == 3);
    REQUIRE(worst_difference(ours, pil) <= 8);
  }
}

TEST_CASE("load_image(path, 1) reads grey as PIL's convert('L'): exactly, JPEG aside",
          "[fast][data][parity]") {
  for (const char* file : {"palette.gif", "rgb.bmp", "rgba.tga", "grey16.png", "grey.jpg"}) {
    INFO(file);
    std::string name = std::string("decode_grey_") + file;
    std::replace(name.begin(), name.end(), '.', '_');
    Image grey = io::load_image(image_fixture(file), 1);
    if (std::string(file) == "grey.jpg")  // the JPEG decoders round differently (see above)
      REQUIRE(worst_difference(grey, pil_decoded(name)) <= 8);
    else
      REQUIRE(grey == pil_decoded(name));
    REQUIRE(grey == io::to_grayscale(io::load_image(image_fixture(file))));
  }
  Image ours = io::load_image(image_fixture("rgb.jpg"), 1),
        pil = pil_decoded("decode_grey_rgb_jpg");
  REQUIRE(ours.channels == 1);
  REQUIRE(ours.height == pil.height);
  REQUIRE(worst_difference(ours, pil) <= 8);
  REQUIRE_THROWS_WITH(io::load_image(image_fixture("rgb.bmp"), 4),
                      "load_image: channels is 4, expected 1 (grey, as PIL's convert('L')) or 3 "
                      "(RGB, as convert('RGB'))");
}

TEST_CASE("save_png and load_image round-trip every channel count to RGB", "[fast][data]") {
  TempDir dir;
  for (std::int64_t channels = 1; channels <= 4; ++channels) {
    INFO(channels << " channels");
    Image image = Image::zeros(5, 7, channels);
    for (std::size_t i = 0; i < image.pixels.size(); ++i)
      image.pixels[i] = static_cast<std::uint8_t>(i * 29);
    io::save_png(image, dir / "out.png");
    Image back = io::load_image(dir / "out.png");
    REQUIRE(back == transforms::ToRGB()(image));
  }
}

TEST_CASE("load_image keeps the high byte of 16-bit RGB samples", "[fast][data]") {
  TempDir dir;
  Bytes rows;
  for (int y = 0; y < 2; ++y) {
    rows.push_back(0);  // filter: none
    for (int x = 0; x < 3; ++x)
      for (int c = 0; c < 3; ++c) {
        std::uint16_t sample = static_cast<std::uint16_t>(1000 * (y * 9 + x * 3 + c) + 255);
        rows.push_back(static_cast<std::uint8_t>(sample >> 8));
        rows.push_back(static_cast<std::uint8_t>(sample & 255));
      }
  }
  write_bytes(dir / "rgb16.png", png_file(3, 2, 16, 2, rows));
  Image image = io::load_image(dir / "rgb16.png");
  REQUIRE(image.channels == 3);
  REQUIRE(image.at(1, 2, 1) == static_cast<std::uint8_t>((1000 * (9 + 6 + 1) + 255) >> 8));
}

TEST_CASE("load_image rejects what is not a whole, sane image before allocating", "[fast][data]") {
  TempDir dir;
  SECTION("missing") {
    REQUIRE_THROWS_WITH(io::load_image(dir / "nope.png"), dir / "nope.png" + ": no such file");
  }
  SECTION("empty") {
    write_bytes(dir / "empty.png", {});
    REQUIRE_THROWS_WITH(io::load_image(dir / "empty.png"),
                        dir / "empty.png" + ": empty file, expected an image");
  }
  SECTION("not an image") {
    write_bytes(dir / "notes.png", text_bytes("these are my notes, not a picture\n"));
    REQUIRE_THROWS_WITH(io::load_image(dir / "notes.png"),
                        Catch::StartsWith(dir / "notes.png" + ": not an image stb_image can read"));
  }
  SECTION("truncated") {
    Image image = Image::zeros(40, 40, 3);
    for (std::size_t i = 0; i < image.pixels.size(); ++i)
      image.pixels[i] = static_cast<std::uint8_t>(i * 7919 % 256);
    io::save_png(image, dir / "whole.png");
    Bytes bytes = read_bytes(dir / "whole.png");
    bytes.resize(bytes.size() / 2);
    write_bytes(dir / "cut.png", bytes);
    REQUIRE_THROWS_WITH(io::load_image(dir / "cut.png"),
                        Catch::StartsWith(dir / "cut.png" + ": cannot decode the image"));
  }
  SECTION("truncated BMP, GIF, TGA and JPEG, which stb alone would fill in") {
    for (const char* file : {"rgb.bmp", "palette.gif", "rgba.tga", "rgb.jpg"}) {
      Bytes bytes = read_bytes(image_fixture(file));
      bytes.resize(bytes.size() * 6 / 10);
      const std::string cut = dir / (std::string("cut_") + file);
      write_bytes(cut, bytes);
      REQUIRE_THROWS_WITH(io::load_image(cut),
                          Catch::StartsWith(cut + ": the image is cut short") ||
                              Catch::StartsWith(cut + ": cannot decode the image"));
    }
  }
  SECTION("a huge declared size") {
    write_bytes(dir / "bomb.png", png_file(15'000, 15'000, 8, 2, Bytes(10, 0)));
    REQUIRE_THROWS_WITH(
        io::load_image(dir / "bomb.png"),
        dir / "bomb.png" + ": declares 15000x15000 pixels, more than the limit of 178956970");
  }
}

TEST_CASE("save_png fails with the path and keeps an existing file whole", "[fast][data]") {
  TempDir dir;
  REQUIRE_THROWS_WITH(
      io::save_png(Image::zeros(2, 2, 3), dir / "no/such/folder/x.png"),
      Catch::StartsWith(dir / "no/such/folder/x.png" + ": cannot create a temporary file"));
  REQUIRE_THROWS_WITH(io::save_png(Image{}, dir / "x.png"),
                      dir / "x.png" + ": cannot save an image of 0x0x0 with 0 bytes");
}

TEST_CASE("labelled_grid draws each image zoomed with its caption underneath", "[fast][data]") {
  auto images = Tensor<cpu, float>::full({3, 3, 4, 4}, 0.5f);
  images.set({1, 0, 0, 0}, 1.0f);
  Image picture = draw::labelled_grid(images, {"cat", "dog", "GroundTruth: ship\nPredicted: frog"},
                                      {.nrow = 2, .zoom = 2, .padding = 4});
  // layout: cells as wide as the longest caption, two rows of cells
  const std::int64_t text_width = picture.width;
  REQUIRE(text_width > 2 * 8);
  REQUIRE(picture.channels == 3);
  REQUIRE(picture.at(4, 4, 0) == 128);  // image 0's first pixel, zoomed 2x
  REQUIRE(picture.at(5, 5, 1) == 128);
  REQUIRE(picture.at(0, 0, 0) == 255);  // white background
  // the caption region under image 0 has dark pixels (text), the one under nothing does not
  auto dark_pixels = [&](std::int64_t top, std::int64_t bottom, std::int64_t left,
                         std::int64_t right) {
    int count = 0;
    for (std::int64_t y = top; y < bottom; ++y)
      for (std::int64_t x = left; x < right; ++x) count += picture.at(y, x, 0) < 64;
    return count;
  };
  REQUIRE(dark_pixels(4 + 8, 4 + 8 + 10, 4, 4 + 20) > 5);
  REQUIRE(dark_pixels(picture.height - 4, picture.height, 0, picture.width) == 0);  // padding
  REQUIRE_THROWS_WITH(draw::labelled_grid(images, {"one"}),
                      "labelled_grid: 1 caption for 3 images");
}
