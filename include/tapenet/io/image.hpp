#pragma once
// An image as a PIL user knows it: height × width pixels of `channels` bytes each (HWC, row by
// row), before ToTensor turns it into a float tensor. Loading and saving go through stb_image.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "tapenet/core/error.hpp"
#include "tapenet/core/file.hpp"

// The stb libraries are one header each; including the implementation with STB_*_STATIC makes its
// functions private to each program file, so a header-only library can use it without clashes.
#pragma GCC diagnostic push  // stb's own code is not ours to warn about
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBI_NO_STDIO  // files are read here, so that errors name them
#define STBI_NO_PSD
#define STBI_NO_HDR
#define STBI_NO_PIC
#define STBI_NO_PNM
#include <stb_image.h>
#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#include <stb_image_write.h>
#pragma GCC diagnostic pop

namespace tapenet::io {

struct Image {
  std::int64_t height = 0, width = 0, channels = 0;
  std::vector<std::uint8_t> pixels;  // pixels[(y * width + x) * channels + c]

  static Image zeros(std::int64_t height, std::int64_t width, std::int64_t channels) {
    if (height < 0 || width < 0 || channels < 1 || channels > 4)
      fail("Image: size ", height, "x", width, "x", channels,
           " is not a valid height x width x channels (1 to 4 channels)");
    return {height, width, channels,
            std::vector<std::uint8_t>(static_cast<std::size_t>(height * width * channels), 0)};
  }
  std::uint8_t& at(std::int64_t y, std::int64_t x, std::int64_t c) {
    return pixels[static_cast<std::size_t>((y * width + x) * channels + c)];
  }
  std::uint8_t at(std::int64_t y, std::int64_t x, std::int64_t c) const {
    return pixels[static_cast<std::size_t>((y * width + x) * channels + c)];
  }
  bool operator==(const Image&) const = default;
};

// One grey byte per pixel, as PIL's convert('L') (and so torchvision's Grayscale on a PIL image):
// L = R * 299/1000 + G * 587/1000 + B * 114/1000, which PIL computes in 16-bit fixed point and
// rounds to nearest. A grey image keeps its values; alpha is dropped.
inline Image to_grayscale(const Image& image) {
  Image out = Image::zeros(image.height, image.width, 1);
  const auto channels = static_cast<std::size_t>(image.channels);
  for (std::size_t i = 0; i < out.pixels.size(); ++i) {
    const std::uint8_t* pixel = &image.pixels[i * channels];
    out.pixels[i] =
        channels <= 2  // L or LA
            ? pixel[0]
            : static_cast<std::uint8_t>(
                  (pixel[0] * 19595 + pixel[1] * 38470 + pixel[2] * 7471 + 0x8000) >> 16);
  }
  return out;
}

// PIL warns about images over Image.MAX_IMAGE_PIXELS (89,478,485) and refuses those over twice
// that as possible "decompression bombs"; we refuse the same ones (without the warning), before
// allocating anything: a 100-byte PNG can claim to be 100,000 × 100,000 pixels.
inline constexpr std::int64_t max_image_pixels = 2 * 89'478'485;

// Loads PNG (8 or 16 bits), JPEG, BMP, GIF (first frame) or TGA in any channel count and returns
// it as RGB, as PIL's Image.open(path).convert('RGB') does: grey is repeated, alpha is dropped,
// 16-bit samples keep their high byte. load_image(path, 1) returns it grey instead, as
// convert('L') does (see to_grayscale), for a model that reads one channel.
inline Image load_image(const std::string& path, std::int64_t channels = 3) {
  if (channels != 1 && channels != 3)
    fail("load_image: channels is ", channels, ", expected 1 (grey, as PIL's convert('L')) or 3 ",
         "(RGB, as convert('RGB'))");
  std::vector<std::uint8_t> bytes = read_file_bytes(path, std::uint64_t(1) << 30);
  if (bytes.empty()) fail(path, ": empty file, expected an image");
  int width = 0, height = 0, stored_channels = 0;
  const int size = static_cast<int>(bytes.size());
  if (!stbi_info_from_memory(bytes.data(), size, &width, &height, &stored_channels))
    fail(path,
         ": not an image stb_image can read (PNG, JPEG, BMP, GIF or TGA): ", stbi_failure_reason());
  if (std::int64_t(width) * height > max_image_pixels)
    fail(path, ": declares ", width, "x", height, " pixels, more than the limit of ",
         max_image_pixels);
  // stb decodes what it has of a cut BMP, GIF or TGA and fills the rest in; reading through
  // callbacks shows whether it ever wanted bytes beyond the end of the file.
  struct Reader {
    const std::vector<std::uint8_t>& bytes;
    std::size_t position = 0;
    bool wanted_more = false;
  } reader{bytes};
  stbi_io_callbacks callbacks{
      [](void* user, char* out, int size) {
        auto& r = *static_cast<Reader*>(user);
        const std::size_t n = std::min(static_cast<std::size_t>(size), r.bytes.size() - r.position);
        if (n == 0 && size > 0) r.wanted_more = true;
        std::copy_n(r.bytes.data() + r.position, n, out);
        r.position += n;
        return static_cast<int>(n);
      },
      [](void* user, int n) {
        auto& r = *static_cast<Reader*>(user);
        if (n > 0 && static_cast<std::size_t>(n) > r.bytes.size() - r.position)
          r.wanted_more = true;
        r.position =
            std::min(r.bytes.size(), r.position + static_cast<std::size_t>(std::max(n, 0)));
      },
      [](void* user) {
        auto& r = *static_cast<Reader*>(user);
        return static_cast<int>(r.position >= r.bytes.size());
      }};
  int got_width = 0, got_height = 0;
  stbi_uc* decoded =
      stbi_load_from_callbacks(&callbacks, &reader, &got_width, &got_height, &stored_channels, 3);
  if (!decoded) fail(path, ": cannot decode the image: ", stbi_failure_reason());
  if (reader.wanted_more) {
    stbi_image_free(decoded);
    fail(path, ": the image is cut short (", count(bytes.size(), "byte"),
         "; a partial download or copy?)");
  }
  Image image = Image::zeros(got_height, got_width, 3);
  std::copy(decoded, decoded + image.pixels.size(), image.pixels.begin());
  stbi_image_free(decoded);
  return channels == 1 ? to_grayscale(image) : image;
}

// The bytes of a PNG file holding `image` (`what` names it in errors).
inline std::string encode_png(const Image& image, const std::string& what = "encode_png") {
  if (image.channels < 1 || image.channels > 4 || image.height < 1 || image.width < 1 ||
      static_cast<std::int64_t>(image.pixels.size()) != image.height * image.width * image.channels)
    fail(what, ": cannot save an image of ", image.height, "x", image.width, "x", image.channels,
         " with ", count(image.pixels.size(), "byte"));
  std::string encoded;
  auto append = [](void* context, void* data, int size) {
    static_cast<std::string*>(context)->append(static_cast<const char*>(data),
                                               static_cast<std::size_t>(size));
  };
  const int row_bytes = static_cast<int>(image.width * image.channels);
  if (!stbi_write_png_to_func(append, &encoded, static_cast<int>(image.width),
                              static_cast<int>(image.height), static_cast<int>(image.channels),
                              image.pixels.data(), row_bytes))
    fail(what, ": PNG encoding failed");
  return encoded;
}

// Encodes as PNG and writes it atomically (see write_file_atomically).
inline void save_png(const Image& image, const std::string& path) {
  write_file_atomically(path, encode_png(image, path));
}

}  // namespace tapenet::io
