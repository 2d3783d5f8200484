#pragma once
// Convolution as one matrix product. im2col copies every receptive field of the input into a
// column of a matrix, so that the convolution becomes weight [OC, C*KH*KW] times columns
// [C*KH*KW, N*OH*OW]. col2im is its adjoint: it sends the columns' gradients back to the pixels.
#include <cstdint>

#include "tapenet/core/tensor.hpp"

namespace tapenet::kernels {

// The input positions one kernel tap reads along one dimension (down the rows or across the
// columns): at output position o, start + o * stride, which is inside the image when it is in
// [0, size) and in the zero padding otherwise. The bounds of im2col and col2im, written once for
// both.
struct TapLine {
  std::int64_t start, stride, size, out;  // out: the number of output positions

  TAPENET_HD std::int64_t at(std::int64_t o) const { return start + o * stride; }
  TAPENET_HD bool inside(std::int64_t o) const { return at(o) >= 0 && at(o) < size; }
  // The positions step evenly, so the outputs that read inside the image are one run:
  // [first(), last()), empty when first() == last().
  TAPENET_HD std::int64_t last() const {
    std::int64_t end = start >= size ? 0 : (size - 1 - start) / stride + 1;
    return end < out ? end : out;
  }
  TAPENET_HD std::int64_t first() const {
    std::int64_t begin = start >= 0 ? 0 : (-start + stride - 1) / stride;
    return begin < last() ? begin : last();
  }
};

// Sizes of one 2-D convolution or pooling window sweep, in PyTorch's terms.
// The output size is worked out once, here: kernels read it millions of times, and a 64-bit
// division costs tens of cycles.
struct ConvGeometry {
  std::int64_t batch, channels, height, width;
  std::int64_t kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, dilation_h, dilation_w;
  std::int64_t out_h, out_w;

  ConvGeometry(std::int64_t n, std::int64_t c, std::int64_t h, std::int64_t w, std::int64_t kh,
               std::int64_t kw, std::int64_t sh, std::int64_t sw, std::int64_t ph, std::int64_t pw,
               std::int64_t dh, std::int64_t dw)
      : batch(n),
        channels(c),
        height(h),
        width(w),
        kernel_h(kh),
        kernel_w(kw),
        stride_h(sh),
        stride_w(sw),
        pad_h(ph),
        pad_w(pw),
        dilation_h(dh),
        dilation_w(dw),
        out_h((h + 2 * ph - dh * (kh - 1) - 1) / sh + 1),
        out_w((w + 2 * pw - dw * (kw - 1) - 1) / sw + 1) {}

  // The same sweep with only kernel rows [top, bottom) and columns [left, right): where the others
  // meet only padding, they contribute nothing. The output size does not change.
  ConvGeometry cropped(std::int64_t top, std::int64_t bottom, std::int64_t left,
                       std::int64_t right) const {
    ConvGeometry part = *this;
    part.kernel_h = bottom - top;
    part.kernel_w = right - left;
    part.pad_h = pad_h - top * dilation_h;
    part.pad_w = pad_w - left * dilation_w;
    return part;
  }

  ConvGeometry with_batch(std::int64_t images) const {
    ConvGeometry part = *this;
    part.batch = images;
    return part;
  }

  TAPENET_HD std::int64_t out_height() const { return out_h; }
  TAPENET_HD std::int64_t out_width() const { return out_w; }
  TAPENET_HD std::int64_t patch_size() const { return channels * kernel_h * kernel_w; }
  // Columns of the im2col matrix: one per output position of every image.
  TAPENET_HD std::int64_t column_count() const { return batch * out_height() * out_width(); }

  // Where kernel row kh reads down the image, and kernel column kw across it.
  TAPENET_HD TapLine tap_rows(std::int64_t kh) const {
    return {kh * dilation_h - pad_h, stride_h, height, out_h};
  }
  TAPENET_HD TapLine tap_columns(std::int64_t kw) const {
    return {kw * dilation_w - pad_w, stride_w, width, out_w};
  }
};

// One call fills row (c, kh, kw) of the matrix: the pixel that kernel tap (kh, kw) of channel c
// meets at every output position of every image. Taps that fall in the padding read as zero.
// Along a row of the output, the taps that land inside the image form one run [first, last), so
// the inner loop is a plain copy with zeros either side.
template <class T>
struct Im2ColKernel {
  const T* image;
  T* columns;
  ConvGeometry g;
  TAPENET_HD void operator()(std::int64_t row) const {
    std::int64_t out_h = g.out_h, out_w = g.out_w;
    std::int64_t kw = row % g.kernel_w, kh = (row / g.kernel_w) % g.kernel_h;
    std::int64_t c = row / (g.kernel_w * g.kernel_h);
    T* out = columns + row * g.batch * out_h * out_w;
    TapLine down = g.tap_rows(kh), across = g.tap_columns(kw);
    // w0: the input column read at ow = 0; the outputs [first, last) read inside the image
    std::int64_t w0 = across.start, first = across.first(), last = across.last();
    if (g.stride_h == 1 && g.stride_w == 1 && out_w == g.width) {
      shifted_copies(out, c, down, w0, first, last);
      return;
    }
    for (std::int64_t n = 0; n < g.batch; ++n) {
      const T* plane = image + (n * g.channels + c) * g.height * g.width;
      for (std::int64_t oh = 0; oh < out_h; ++oh, out += out_w) {
        if (!down.inside(oh)) {
          for (std::int64_t ow = 0; ow < out_w; ++ow) out[ow] = T(0);
          continue;
        }
        const T* in = plane + down.at(oh) * g.width;
        for (std::int64_t ow = 0; ow < first; ++ow) out[ow] = T(0);
        if (g.stride_w == 1)
          for (std::int64_t ow = first; ow < last; ++ow) out[ow] = in[w0 + ow];
        else
          for (std::int64_t ow = first; ow < last; ++ow) out[ow] = in[w0 + ow * g.stride_w];
        for (std::int64_t ow = last; ow < out_w; ++ow) out[ow] = T(0);
      }
    }
  }

  // Stride 1 with "same" width, ResNet's 3x3 convolutions: the tap sees the whole image moved by
  // a fixed number of elements, so each image's part of the row is one long copy (which the
  // compiler vectorises, unlike a run of 8 pixels), then the rows and the columns that fell
  // outside the image are set to zero.
  TAPENET_HD void shifted_copies(T* out, std::int64_t c, TapLine down, std::int64_t w0,
                                 std::int64_t first, std::int64_t last) const {
    std::int64_t out_h = g.out_h, out_w = g.out_w, size = g.height * g.width;
    std::int64_t shift = down.start * g.width + w0;
    // the outputs whose input row is inside the image: [top, bottom)
    std::int64_t top = down.first(), bottom = down.last();
    // copy [begin, end): from top's row to bottom's, clipped so that the source stays in the plane
    std::int64_t begin = top * out_w, end = bottom * out_w;
    if (begin + shift < 0) begin = -shift;
    if (end + shift > size) end = size - shift;
    for (std::int64_t n = 0; n < g.batch; ++n, out += out_h * out_w) {
      const T* plane = image + (n * g.channels + c) * size;
      for (std::int64_t i = 0; i < top * out_w; ++i) out[i] = T(0);
      for (std::int64_t i = begin; i < end; ++i) out[i] = plane[i + shift];
      for (std::int64_t i = bottom * out_w; i < out_h * out_w; ++i) out[i] = T(0);
      for (std::int64_t oh = top; oh < bottom; ++oh) {
        for (std::int64_t ow = 0; ow < first; ++ow) out[oh * out_w + ow] = T(0);
        for (std::int64_t ow = last; ow < out_w; ++ow) out[oh * out_w + ow] = T(0);
      }
    }
  }
};

// The adjoint of im2col: every column entry is added back into the pixel it was copied from.
// One call owns one (n, c) plane of the image, so the additions of different calls never meet.
template <class T>
struct Col2ImKernel {
  const T* columns;
  T* image;
  ConvGeometry g;
  TAPENET_HD void operator()(std::int64_t plane_index) const {
    std::int64_t out_h = g.out_height(), out_w = g.out_width(), cols = g.column_count();
    std::int64_t c = plane_index % g.channels, n = plane_index / g.channels;
    T* plane = image + plane_index * g.height * g.width;
    for (std::int64_t i = 0; i < g.height * g.width; ++i) plane[i] = T(0);
    for (std::int64_t kh = 0; kh < g.kernel_h; ++kh) {
      for (std::int64_t kw = 0; kw < g.kernel_w; ++kw) {
        const T* in =
            columns + ((c * g.kernel_h + kh) * g.kernel_w + kw) * cols + n * out_h * out_w;
        TapLine down = g.tap_rows(kh), across = g.tap_columns(kw);
        std::int64_t w0 = across.start, first = across.first(), last = across.last();
        for (std::int64_t oh = 0; oh < out_h; ++oh, in += out_w) {
          if (!down.inside(oh)) continue;
          T* row = plane + down.at(oh) * g.width;
          for (std::int64_t ow = first; ow < last; ++ow) row[w0 + ow * g.stride_w] += in[ow];
        }
      }
    }
  }
};

// The GEMM leaves the output as [OC, N, P] (P = OH*OW); the tensor layout is [N, OC, P].
// One call moves one (n, oc) plane, adding the channel's bias when there is one.
template <class T>
struct ChannelsFirstToBatchFirstKernel {
  const T* in;
  const T* bias;  // may be null
  T* out;
  std::int64_t batch, channels, plane;
  TAPENET_HD void operator()(std::int64_t n_c) const {
    std::int64_t c = n_c % channels, n = n_c / channels;
    const T* from = in + (c * batch + n) * plane;
    T* to = out + n_c * plane;
    T b = bias ? bias[c] : T(0);
    for (std::int64_t p = 0; p < plane; ++p) to[p] = from[p] + b;
  }
};

// [N, C, P] to [C, N, P]: the gradient of the output, laid out for the backward GEMMs.
template <class T>
struct BatchFirstToChannelsFirstKernel {
  const T* in;
  T* out;
  std::int64_t batch, channels, plane;
  TAPENET_HD void operator()(std::int64_t c_n) const {
    std::int64_t n = c_n % batch, c = c_n / batch;
    const T* from = in + (n * channels + c) * plane;
    T* to = out + c_n * plane;
    for (std::int64_t p = 0; p < plane; ++p) to[p] = from[p];
  }
};

// The bias gradient: the output gradient [N, C, P] summed over images and positions.
template <class T>
struct ChannelSumKernel {
  const T* in;
  T* out;
  std::int64_t batch, channels, plane;
  TAPENET_HD void operator()(std::int64_t c) const {
    T total = 0;
    for (std::int64_t n = 0; n < batch; ++n)
      for (std::int64_t p = 0; p < plane; ++p) total += in[(n * channels + c) * plane + p];
    out[c] = total;
  }
};

// Copies a rows x columns block of kernel taps from each plane of one kernel to the same plane of
// another; each has its own plane size and row length. Cropping copies the kept taps out of the
// [KH, KW] planes of the weight into a smaller kernel; backwards, their gradient goes into the
// full-size gradient. One call per plane.
template <class T>
struct TapBlockCopyKernel {
  const T* from;
  T* to;
  std::int64_t from_plane, from_row, to_plane, to_row, rows, columns;
  TAPENET_HD void operator()(std::int64_t plane) const {
    const T* in = from + plane * from_plane;
    T* out = to + plane * to_plane;
    for (std::int64_t i = 0; i < rows; ++i)
      for (std::int64_t j = 0; j < columns; ++j) out[i * to_row + j] = in[i * from_row + j];
  }
};

// The matrix of g.batch images starting at `image`, written to `columns` ([K, g.column_count()]).
template <Backend B, class T>
void im2col(const T* image, T* columns, const ConvGeometry& g) {
  B::for_each(g.patch_size(), Im2ColKernel<T>{image, columns, g}, g.column_count());
}

template <Backend B, class T>
void col2im(const T* columns, T* image, const ConvGeometry& g) {
  B::for_each(g.batch * g.channels, Col2ImKernel<T>{columns, image, g},
              g.kernel_h * g.kernel_w * g.out_height() * g.out_width());
}

}  // namespace tapenet::kernels
