#pragma once
// Looking at a batch: make_grid tiles images into one (as torchvision.utils.make_grid),
// unnormalize undoes Normalize, to_image turns floats in [0, 1] back into bytes, and
// labelled_grid writes a caption under each picture (the tutorial's GroundTruth / Predicted).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include <stb_easy_font.h>
#pragma GCC diagnostic pop

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "tapenet/backend/cpu_storage.hpp"
#include "tapenet/core/error.hpp"
#include "tapenet/core/tensor.hpp"
#include "tapenet/io/image.hpp"

namespace tapenet::draw {

using io::Image;

struct GridOptions {
  std::int64_t nrow = 8;  // images per row
  std::int64_t padding = 2;
  float pad_value = 0;
};

// N×C×H×W → C×H'×W' with the images in rows of nrow, `padding` pixels around each. Grey images
// become RGB; a single image comes back unpadded, as torchvision does.
inline Tensor<cpu, float> make_grid(const Tensor<cpu, float>& images,
                                    const GridOptions& options = {}) {
  if (images.dim() != 4 || (images.size(1) != 1 && images.size(1) != 3))
    fail("make_grid: expected N×C×H×W images with 1 or 3 channels, got shape ", images.shape());
  if (options.nrow < 1 || options.padding < 0)
    fail("make_grid: nrow ", options.nrow, " and padding ", options.padding,
         ", expected nrow >= 1 and padding >= 0");
  const std::int64_t n = images.size(0), channels = images.size(1), height = images.size(2),
                     width = images.size(3), pad = options.padding;
  const std::int64_t columns = std::min(options.nrow, n), rows = (n + columns - 1) / columns;
  const bool single = n == 1;
  const std::int64_t cell_height = height + pad, cell_width = width + pad;
  const std::int64_t out_height = single ? height : rows * cell_height + pad;
  const std::int64_t out_width = single ? width : columns * cell_width + pad;
  auto grid = Tensor<cpu, float>::from(
      {3, out_height, out_width},
      std::vector<float>(static_cast<std::size_t>(3 * out_height * out_width), options.pad_value));
  const float* in = images.data();
  float* out = grid.data();
  for (std::int64_t k = 0; k < n; ++k) {
    const std::int64_t top = single ? 0 : k / columns * cell_height + pad;
    const std::int64_t left = single ? 0 : k % columns * cell_width + pad;
    for (std::int64_t c = 0; c < 3; ++c) {
      const float* plane = in + (k * channels + (channels == 1 ? 0 : c)) * height * width;
      for (std::int64_t y = 0; y < height; ++y)
        std::copy_n(plane + y * width, width, out + (c * out_height + top + y) * out_width + left);
    }
  }
  return grid;
}

// The inverse of Normalize(mean, std): x · std + mean per channel (the channel is the third dim
// from the end, so both one image and a batch work).
inline Tensor<cpu, float> unnormalize(Tensor<cpu, float> tensor, const std::vector<float>& mean,
                                      const std::vector<float>& std) {
  if (tensor.dim() < 3) fail("unnormalize: expected (N×)C×H×W, got shape ", tensor.shape());
  const std::int64_t channels = tensor.size(tensor.dim() - 3);
  const std::int64_t plane = tensor.size(tensor.dim() - 2) * tensor.size(tensor.dim() - 1);
  if (mean.size() != std.size() ||
      (mean.size() != 1 && static_cast<std::int64_t>(mean.size()) != channels))
    fail("unnormalize: ", count(mean.size(), "mean"), " and ", count(std.size(), "std"), " for ",
         count(channels, "channel"));
  tensor = tensor.clone();
  float* x = tensor.data();
  for (std::int64_t i = 0; i < tensor.numel(); ++i) {
    const std::size_t c = mean.size() == 1 ? 0 : static_cast<std::size_t>(i / plane % channels);
    x[i] = x[i] * std[c] + mean[c];
  }
  return tensor;
}

// A float in [0, 1] → a byte, rounded and clamped as torchvision's save_image does.
inline std::uint8_t to_byte(float value) {
  return static_cast<std::uint8_t>(std::clamp(value * 255.0f + 0.5f, 0.0f, 255.0f));
}

// C×H×W floats in [0, 1] → an image of bytes.
inline Image to_image(const Tensor<cpu, float>& tensor) {
  if (tensor.dim() != 3 || tensor.size(0) < 1 || tensor.size(0) > 4)
    fail("to_image: expected a C×H×W tensor with 1 to 4 channels, got shape ", tensor.shape());
  Image image = Image::zeros(tensor.size(1), tensor.size(2), tensor.size(0));
  const std::int64_t plane = image.height * image.width;
  const float* x = tensor.data();
  for (std::int64_t i = 0; i < plane; ++i)
    for (std::int64_t c = 0; c < image.channels; ++c)
      image.pixels[static_cast<std::size_t>(i * image.channels + c)] = to_byte(x[c * plane + i]);
  return image;
}

// Draws `text` with its top-left corner at (x, y), each font pixel a scale×scale square, using
// stb_easy_font (a tiny built-in font: letters about 7 pixels tall, lines 12 apart).
inline void draw_text(Image& image, std::int64_t x, std::int64_t y, const std::string& text,
                      std::array<std::uint8_t, 3> color = {0, 0, 0}, std::int64_t scale = 1) {
  std::vector<char> vertices(text.size() * 300 +
                             1024);  // each character is at most ~270 bytes of quads
  std::string writable = text;
  unsigned char unused_color[4] = {0, 0, 0, 255};
  const int quads = stb_easy_font_print(0, 0, writable.data(), unused_color, vertices.data(),
                                        static_cast<int>(vertices.size()));
  struct Vertex {
    float x, y, z;
    unsigned char rgba[4];
  };
  const auto* v = reinterpret_cast<const Vertex*>(vertices.data());
  for (int q = 0; q < quads; ++q) {
    const Vertex* corners = v + 4 * q;  // corners 0 and 2 are opposite
    const auto x0 = x + static_cast<std::int64_t>(corners[0].x) * scale,
               y0 = y + static_cast<std::int64_t>(corners[0].y) * scale;
    const auto x1 = x + static_cast<std::int64_t>(corners[2].x) * scale,
               y1 = y + static_cast<std::int64_t>(corners[2].y) * scale;
    for (std::int64_t py = std::max<std::int64_t>(y0, 0); py < std::min(y1, image.height); ++py)
      for (std::int64_t px = std::max<std::int64_t>(x0, 0); px < std::min(x1, image.width); ++px)
        for (std::int64_t c = 0; c < std::min<std::int64_t>(3, image.channels); ++c)
          image.at(py, px, c) = color[static_cast<std::size_t>(c)];
  }
}

struct LabelledGridOptions {
  std::int64_t nrow = 8;
  std::int64_t zoom = 3;        // each image pixel becomes zoom×zoom (CIFAR's 32×32 is small)
  std::int64_t text_scale = 1;  // font pixel size
  std::int64_t padding = 4;
};

// N×C×H×W floats in [0, 1] → an RGB picture: the images in rows, `captions[k]` (one or more
// lines) printed in black under image k, on white.
inline Image labelled_grid(const Tensor<cpu, float>& images,
                           const std::vector<std::string>& captions,
                           const LabelledGridOptions& options = {}) {
  if (images.dim() != 4 || (images.size(1) != 1 && images.size(1) != 3))
    fail("labelled_grid: expected N×C×H×W images with 1 or 3 channels, got shape ", images.shape());
  if (static_cast<std::int64_t>(captions.size()) != images.size(0))
    fail("labelled_grid: ", count(captions.size(), "caption"), " for ",
         count(images.size(0), "image"));
  if (options.nrow < 1 || options.zoom < 1 || options.text_scale < 1 || options.padding < 0)
    fail("labelled_grid: nrow, zoom and text_scale must be >= 1 and padding >= 0");
  const std::int64_t n = images.size(0), image_height = images.size(2) * options.zoom,
                     image_width = images.size(3) * options.zoom;
  std::int64_t caption_lines = 1;
  for (const auto& caption : captions)
    caption_lines =
        std::max<std::int64_t>(caption_lines, 1 + std::count(caption.begin(), caption.end(), '\n'));
  const std::int64_t line_height = 12 * options.text_scale, pad = options.padding;
  std::int64_t text_width = 0;
  for (const auto& caption : captions) {
    std::string writable = caption;
    text_width = std::max<std::int64_t>(text_width,
                                        stb_easy_font_width(writable.data()) * options.text_scale);
  }
  const std::int64_t cell_width = std::max(image_width, text_width) + pad;
  const std::int64_t cell_height = image_height + caption_lines * line_height + pad;
  const std::int64_t columns = std::min(options.nrow, n), rows = (n + columns - 1) / columns;
  Image out = Image::zeros(rows * cell_height + pad, columns * cell_width + pad, 3);
  std::fill(out.pixels.begin(), out.pixels.end(), 255);
  for (std::int64_t k = 0; k < n; ++k) {
    const std::int64_t top = k / columns * cell_height + pad, left = k % columns * cell_width + pad;
    for (std::int64_t y = 0; y < image_height; ++y)
      for (std::int64_t x = 0; x < image_width; ++x)
        for (std::int64_t c = 0; c < 3; ++c) {
          const std::int64_t source_c = images.size(1) == 1 ? 0 : c;
          float value = images.at({k, source_c, y / options.zoom, x / options.zoom});
          out.at(top + y, left + x, c) = to_byte(value);
        }
    draw_text(out, left, top + image_height + 2, captions[static_cast<std::size_t>(k)], {0, 0, 0},
              options.text_scale);
  }
  return out;
}

}  // namespace tapenet::draw
