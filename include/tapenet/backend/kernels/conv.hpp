#pragma once
// Convolution as one matrix product. im2col copies every receptive field of the input into a
// column of a matrix, so that the convolution becomes weight [OC, C*KH*KW] times columns
// [C*KH*KW, N*OH*OW]. col2im is its adjoint: it sends the columns' gradients back to the pixels.
#include <cstdint>

#include "tapenet/core/tensor.hpp"

namespace tapenet::kernels {

// Sizes of one 2-D convolution or pooling window sweep, in PyTorch's terms.
struct ConvGeometry {
  std::int64_t batch, channels, height, width;
  std::int64_t kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, dilation_h, dilation_w;

  TAPENET_HD std::int64_t out_height() const {
    return (height + 2 * pad_h - dilation_h * (kernel_h - 1) - 1) / stride_h + 1;
  }
  TAPENET_HD std::int64_t out_width() const {
    return (width + 2 * pad_w - dilation_w * (kernel_w - 1) - 1) / stride_w + 1;
  }
  TAPENET_HD std::int64_t patch_size() const { return channels * kernel_h * kernel_w; }
  // Columns of the im2col matrix: one per output position of every image.
  TAPENET_HD std::int64_t column_count() const { return batch * out_height() * out_width(); }
};

// One call fills one run of OW consecutive columns: row (c, kh, kw) of the matrix, for output
// row oh of image n. Positions that fall in the padding read as zero.
template <class T>
struct Im2ColKernel {
  const T* image;
  T* columns;
  ConvGeometry g;
  TAPENET_HD void operator()(std::int64_t run) const {
    std::int64_t out_h = g.out_height(), out_w = g.out_width();
    std::int64_t oh = run % out_h, n = (run / out_h) % g.batch, row = run / (out_h * g.batch);
    std::int64_t kw = row % g.kernel_w, kh = (row / g.kernel_w) % g.kernel_h;
    std::int64_t c = row / (g.kernel_w * g.kernel_h);
    T* out = columns + row * g.column_count() + (n * out_h + oh) * out_w;
    std::int64_t h = oh * g.stride_h - g.pad_h + kh * g.dilation_h;
    if (h < 0 || h >= g.height) {
      for (std::int64_t ow = 0; ow < out_w; ++ow) out[ow] = T(0);
      return;
    }
    const T* in = image + ((n * g.channels + c) * g.height + h) * g.width;
    std::int64_t w0 = kw * g.dilation_w - g.pad_w;
    for (std::int64_t ow = 0; ow < out_w; ++ow) {
      std::int64_t w = w0 + ow * g.stride_w;
      out[ow] = w >= 0 && w < g.width ? in[w] : T(0);
    }
  }
};

// The adjoint of im2col. One call computes one image row (n, c, h): each pixel gathers the
// gradients of every column entry that copied it, so no two calls write the same place.
template <class T>
struct Col2ImKernel {
  const T* columns;
  T* image;
  ConvGeometry g;
  TAPENET_HD void operator()(std::int64_t image_row) const {
    std::int64_t out_h = g.out_height(), out_w = g.out_width(), cols = g.column_count();
    std::int64_t h = image_row % g.height, c = (image_row / g.height) % g.channels;
    std::int64_t n = image_row / (g.height * g.channels);
    T* out = image + image_row * g.width;
    for (std::int64_t w = 0; w < g.width; ++w) out[w] = T(0);
    for (std::int64_t kh = 0; kh < g.kernel_h; ++kh) {
      std::int64_t shifted_h = h + g.pad_h - kh * g.dilation_h;
      if (shifted_h < 0 || shifted_h % g.stride_h != 0) continue;
      std::int64_t oh = shifted_h / g.stride_h;
      if (oh >= out_h) continue;
      for (std::int64_t kw = 0; kw < g.kernel_w; ++kw) {
        const T* in = columns + ((c * g.kernel_h + kh) * g.kernel_w + kw) * cols +
                      (n * out_h + oh) * out_w;
        for (std::int64_t w = 0; w < g.width; ++w) {
          std::int64_t shifted_w = w + g.pad_w - kw * g.dilation_w;
          if (shifted_w < 0 || shifted_w % g.stride_w != 0) continue;
          std::int64_t ow = shifted_w / g.stride_w;
          if (ow < out_w) out[w] += in[ow];
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

// Sums each row of a [rows, length] matrix: the bias gradient from the [OC, N*P] output gradient.
template <class T>
struct RowSumKernel {
  const T* in;
  T* out;
  std::int64_t length;
  TAPENET_HD void operator()(std::int64_t row) const {
    T total = 0;
    for (std::int64_t i = 0; i < length; ++i) total += in[row * length + i];
    out[row] = total;
  }
};

template <Backend B, class T>
Tensor<B, T> im2col(const Tensor<B, T>& image, const ConvGeometry& g) {
  auto columns = Tensor<B, T>::empty({g.patch_size(), g.column_count()});
  std::int64_t runs = g.patch_size() * g.batch * g.out_height();
  B::for_each(runs, Im2ColKernel<T>{image.data(), columns.data(), g}, g.out_width());
  return columns;
}

template <Backend B, class T>
Tensor<B, T> col2im(const Tensor<B, T>& columns, const ConvGeometry& g) {
  auto image = Tensor<B, T>::empty({g.batch, g.channels, g.height, g.width});
  B::for_each(g.batch * g.channels * g.height, Col2ImKernel<T>{columns.data(), image.data(), g},
              g.width * g.kernel_h * g.kernel_w);
  return image;
}

}  // namespace tapenet::kernels
