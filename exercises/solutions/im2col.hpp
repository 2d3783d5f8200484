#pragma once
// The reference solution of exercises/im2col/exercise.hpp. Try the exercise first.
#include <cstdint>
#include <vector>

namespace exercise {

// The sizes of one convolution, as torch.nn.functional.conv2d takes them, with the same stride
// and padding along both axes.
struct ConvSizes {
  std::int64_t batch, channels, height, width;  // the input, [N, C, H, W]
  std::int64_t kernel_h, kernel_w;
  std::int64_t stride = 1, padding = 0;

  std::int64_t out_height() const { return (height + 2 * padding - kernel_h) / stride + 1; }
  std::int64_t out_width() const { return (width + 2 * padding - kernel_w) / stride + 1; }
};

inline std::vector<double> im2col(const std::vector<double>& image, const ConvSizes& s) {
  const std::int64_t out_h = s.out_height(), out_w = s.out_width();
  const std::int64_t column_count = s.batch * out_h * out_w;
  std::vector<double> columns(s.channels * s.kernel_h * s.kernel_w * column_count, 0.0);
  for (std::int64_t c = 0; c < s.channels; ++c)
    for (std::int64_t kh = 0; kh < s.kernel_h; ++kh)
      for (std::int64_t kw = 0; kw < s.kernel_w; ++kw) {
        const std::int64_t row = (c * s.kernel_h + kh) * s.kernel_w + kw;
        for (std::int64_t n = 0; n < s.batch; ++n)
          for (std::int64_t oh = 0; oh < out_h; ++oh)
            for (std::int64_t ow = 0; ow < out_w; ++ow) {
              const std::int64_t y = oh * s.stride - s.padding + kh;
              const std::int64_t x = ow * s.stride - s.padding + kw;
              if (y < 0 || y >= s.height || x < 0 || x >= s.width) continue;  // padding: stays 0
              const std::int64_t column = (n * out_h + oh) * out_w + ow;
              const std::int64_t pixel = ((n * s.channels + c) * s.height + y) * s.width + x;
              columns[row * column_count + column] = image[pixel];
            }
      }
  return columns;
}

}  // namespace exercise
