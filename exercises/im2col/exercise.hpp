#pragma once
// Exercise im2col: the copy that turns a convolution into one matrix product.
// Chapter 3 (docs/03-layers-and-convolution.md) teaches what to write here.
// Grade it with:  exercises/grade.sh im2col
//
// A convolution slides a KH x KW kernel over every channel of the input. At each output position
// (oh, ow) it reads one receptive field: for every channel c and kernel tap (kh, kw), the pixel
//
//     image[n, c, oh * stride - padding + kh, ow * stride - padding + kw]
//
// or 0 where that row or column falls outside the image (in the padding). im2col copies each
// receptive field into one column of a matrix; the convolution is then weight [OC, C*KH*KW] times
// that matrix, one GEMM.
//
// Layout, all arrays row-major (the last index moves fastest):
//   image:   [N, C, H, W]
//   columns: [C*KH*KW, N*OH*OW]; row (c, kh, kw) is number (c * KH + kh) * KW + kw, and column
//            (n, oh, ow) is number (n * OH + oh) * OW + ow. This is tapenet's layout, and the
//            checks compare your matrix with the one include/tapenet/tensor/conv.hpp makes.
#include <cstdint>
#include <vector>

#include "support/not_written.hpp"

namespace exercise {

// The sizes of one convolution, as torch.nn.functional.conv2d takes them, with the same stride
// and padding along both axes.
struct ConvSizes {
  std::int64_t batch, channels, height, width;  // the input, [N, C, H, W]
  std::int64_t kernel_h, kernel_w;
  std::int64_t stride = 1, padding = 0;

  // TODO 1: how many positions the kernel takes down the padded image, and across it.
  // The padded image is H + 2 * padding rows high; the kernel's top row can start at rows
  // 0, stride, 2 * stride, ... as long as all KH rows stay inside. Count those starts.
  std::int64_t out_height() const { not_written_yet("im2col", "ConvSizes::out_height()"); }
  std::int64_t out_width() const { not_written_yet("im2col", "ConvSizes::out_width()"); }
};

// TODO 2: return the columns matrix described above, C*KH*KW rows of N*OH*OW numbers.
// Plain loops are the point: over n, c, kh, kw, oh, ow, computing the input row and column
// and writing 0 where either is outside the image.
inline std::vector<double> im2col(const std::vector<double>& /*image*/, const ConvSizes& /*s*/) {
  not_written_yet("im2col", "im2col()");
}

}  // namespace exercise
