// The checks of exercise im2col: your columns against the matrix tapenet's own im2col makes
// (include/tapenet/tensor/conv.hpp), and the convolution computed as a matrix product over your
// columns against PyTorch's conv2d (tools/torch_reference/make_exercise_fixtures.py).
#include EXERCISE_HEADER

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "support/check.hpp"
#include "tapenet/tensor.hpp"

using exercise::ConvSizes;
using exercise_check::check_close;
using exercise_check::fixtures;

namespace {

// The sizes of fixture case `name`; its `geometry` is N, C, H, W, OC, KH, KW, stride, padding.
ConvSizes sizes_of(const std::string& name) {
  auto g = fixtures()[name + ".geometry"].integers();
  return ConvSizes{g[0], g[1], g[2], g[3], g[5], g[6], g[7], g[8]};
}

std::int64_t out_channels(const std::string& name) {
  return fixtures()[name + ".geometry"].integers()[4];
}

// tapenet's im2col on the same image: the matrix the convolution layers multiply.
std::vector<double> tapenet_im2col(const std::vector<double>& image, const ConvSizes& s) {
  tapenet::kernels::ConvGeometry g(s.batch, s.channels, s.height, s.width, s.kernel_h, s.kernel_w,
                                   s.stride, s.stride, s.padding, s.padding, 1, 1);
  std::vector<double> columns(g.patch_size() * g.column_count());
  tapenet::kernels::im2col<tapenet::cpu>(image.data(), columns.data(), g);
  return columns;
}

// Compares two columns matrices, naming the first wrong entry by what it should hold.
void check_columns(const ConvSizes& s, const std::vector<double>& expected,
                   const std::vector<double>& got) {
  const std::int64_t out_h = s.out_height(), out_w = s.out_width();
  const std::int64_t rows = s.channels * s.kernel_h * s.kernel_w, columns = s.batch * out_h * out_w;
  if (got.size() != expected.size()) {
    FAIL_CHECK("the columns matrix should have " << rows << " rows of " << columns << " = "
                                                 << expected.size() << " numbers, yours has "
                                                 << got.size());
    return;
  }
  std::size_t wrong = 0, first = 0;
  for (std::size_t i = 0; i < got.size(); ++i)
    if (got[i] != expected[i] && wrong++ == 0) first = i;
  if (wrong == 0) return;
  std::int64_t row = first / columns, column = first % columns;
  std::int64_t kw = row % s.kernel_w, kh = row / s.kernel_w % s.kernel_h,
               c = row / (s.kernel_w * s.kernel_h);
  std::int64_t ow = column % out_w, oh = column / out_w % out_h, n = column / (out_w * out_h);
  std::int64_t y = oh * s.stride - s.padding + kh, x = ow * s.stride - s.padding + kw;
  std::ostringstream message;
  message << "columns[" << row << ", " << column << "] (channel " << c << ", kernel tap kh=" << kh
          << " kw=" << kw << "; image " << n << ", output position oh=" << oh << " ow=" << ow
          << ") should be " << expected[first];
  if (y < 0 || y >= s.height || x < 0 || x >= s.width)
    message << ": the padding, as the tap reads row " << y << ", column " << x << " of a "
            << s.height << "x" << s.width << " image";
  else
    message << ", the pixel at row " << y << ", column " << x;
  message << ", but is " << got[first] << " (" << wrong << " of " << got.size()
          << " entries are wrong)";
  FAIL_CHECK(message.str());
}

// The convolution as one matrix product: out[n, oc, p] = bias[oc] + sum_k weight[oc, k] * col[k,
// n*P + p].
std::vector<double> convolve(const std::vector<double>& columns, const ConvSizes& s,
                             std::int64_t oc_count, const std::vector<double>& weight,
                             const std::vector<double>& bias) {
  const std::int64_t k_count = s.channels * s.kernel_h * s.kernel_w;
  const std::int64_t plane = s.out_height() * s.out_width(), column_count = s.batch * plane;
  std::vector<double> out(s.batch * oc_count * plane);
  for (std::int64_t n = 0; n < s.batch; ++n)
    for (std::int64_t oc = 0; oc < oc_count; ++oc)
      for (std::int64_t p = 0; p < plane; ++p) {
        double total = bias[oc];
        for (std::int64_t k = 0; k < k_count; ++k)
          total += weight[oc * k_count + k] * columns[k * column_count + n * plane + p];
        out[(n * oc_count + oc) * plane + p] = total;
      }
  return out;
}

// The whole check of one fixture case: sizes, columns, and the convolution they give.
void check_case(const std::string& name) {
  ConvSizes s = sizes_of(name);
  const auto& out = fixtures()[name + ".out"];
  INFO("input [" << s.batch << ", " << s.channels << ", " << s.height << ", " << s.width
                 << "], kernel " << s.kernel_h << "x" << s.kernel_w << ", stride " << s.stride
                 << ", padding " << s.padding);
  CHECK(s.out_height() == out.dims[2]);
  CHECK(s.out_width() == out.dims[3]);
  if (s.out_height() != out.dims[2] || s.out_width() != out.dims[3]) return;

  const auto& image = fixtures()[name + ".x"].values;
  std::vector<double> columns = exercise::im2col(image, s);
  check_columns(s, tapenet_im2col(image, s), columns);
  if (columns.size() != tapenet_im2col(image, s).size()) return;
  check_close("conv2d as weight x your columns + bias, against PyTorch's conv2d", out,
              convolve(columns, s, out_channels(name), fixtures()[name + ".weight"].values,
                       fixtures()[name + ".bias"].values),
              1e-9, 1e-9);
}

}  // namespace

TEST_CASE("output size: (H + 2 * padding - KH) / stride + 1, as PyTorch's conv2d gives") {
  for (const char* name : {"plain", "odd_sizes", "padding", "stride_2", "wide_padding"}) {
    ConvSizes s = sizes_of(name);
    const auto& out = fixtures()[std::string(name) + ".out"];
    INFO("input " << s.height << "x" << s.width << ", kernel " << s.kernel_h << "x" << s.kernel_w
                  << ", stride " << s.stride << ", padding " << s.padding
                  << ": PyTorch's output is " << out.dims[2] << "x" << out.dims[3]);
    CHECK(s.out_height() == out.dims[2]);
    CHECK(s.out_width() == out.dims[3]);
  }
}

TEST_CASE("one 4x4 image, one channel, a 3x3 kernel: 9 rows of 4 columns") { check_case("plain"); }

TEST_CASE("odd sizes: 2 images of 3 channels, 5x7, a 2x3 kernel") { check_case("odd_sizes"); }

TEST_CASE("padding 1: taps outside the image read 0") { check_case("padding"); }

TEST_CASE("stride 2 with padding 1: 7x6 images") { check_case("stride_2"); }

TEST_CASE("stride 2, padding 2, a 3x2 kernel: whole rows of padding") {
  check_case("wide_padding");
}
