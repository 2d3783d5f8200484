#pragma once
// Pooling: the maximum, or the average, of each window of each channel.
#include <cstdint>

#include "tapenet/backend/kernels/conv.hpp"

namespace tapenet::kernels {

// One call computes output row (n, c, oh). Besides each maximum it keeps where in the input plane
// it was (its index h * W + w), which is all that backward needs. The first maximum wins ties; a
// NaN wins over any number, as in PyTorch. Padding never wins: it is not read at all.
template <class T>
struct MaxPoolKernel {
  const T* in;
  T* out;
  std::int32_t* argmax;
  ConvGeometry g;
  TAPENET_HD void operator()(std::int64_t out_row) const {
    std::int64_t out_h = g.out_height(), out_w = g.out_width();
    std::int64_t oh = out_row % out_h, plane = out_row / out_h;
    const T* image = in + plane * g.height * g.width;
    for (std::int64_t ow = 0; ow < out_w; ++ow) {
      std::int64_t best = -1;
      T best_value = T(0);
      for (std::int64_t kh = 0; kh < g.kernel_h; ++kh) {
        std::int64_t h = oh * g.stride_h - g.pad_h + kh * g.dilation_h;
        if (h < 0 || h >= g.height) continue;
        for (std::int64_t kw = 0; kw < g.kernel_w; ++kw) {
          std::int64_t w = ow * g.stride_w - g.pad_w + kw * g.dilation_w;
          if (w < 0 || w >= g.width) continue;
          T value = image[h * g.width + w];
          bool is_nan = value != value;
          if (best < 0 || value > best_value || (is_nan && best_value == best_value)) {
            best = h * g.width + w;
            best_value = value;
          }
        }
      }
      out[out_row * out_w + ow] = best_value;
      argmax[out_row * out_w + ow] = static_cast<std::int32_t>(best);
    }
  }
};

// One call computes input row (n, c, h): each pixel gathers the gradient of every window whose
// maximum it was. Windows overlap (kernel 3, stride 2), so gathering avoids racing writes.
template <class T>
struct MaxPoolBackwardKernel {
  const T* grad_out;
  const std::int32_t* argmax;
  T* grad_in;
  ConvGeometry g;
  TAPENET_HD void operator()(std::int64_t in_row) const {
    std::int64_t out_h = g.out_height(), out_w = g.out_width();
    std::int64_t h = in_row % g.height, plane = in_row / g.height;
    const T* grad = grad_out + plane * out_h * out_w;
    const std::int32_t* index = argmax + plane * out_h * out_w;
    for (std::int64_t w = 0; w < g.width; ++w) {
      T total = 0;
      std::int64_t here = h * g.width + w;
      for (std::int64_t oh = 0; oh < out_h; ++oh) {
        std::int64_t top = oh * g.stride_h - g.pad_h;
        if (h < top || h > top + (g.kernel_h - 1) * g.dilation_h) continue;
        for (std::int64_t ow = 0; ow < out_w; ++ow) {
          std::int64_t left = ow * g.stride_w - g.pad_w;
          if (w < left || w > left + (g.kernel_w - 1) * g.dilation_w) continue;
          if (index[oh * out_w + ow] == here) total += grad[oh * out_w + ow];
        }
      }
      grad_in[in_row * g.width + w] = total;
    }
  }
};

// Adaptive average pooling splits an extent of `in` into `out` windows: window o covers
// [floor(o * in / out), ceil((o + 1) * in / out)), so windows may overlap when out does not
// divide in, exactly as PyTorch does it.
TAPENET_HD inline std::int64_t window_start(std::int64_t o, std::int64_t in, std::int64_t out) {
  return o * in / out;
}
TAPENET_HD inline std::int64_t window_end(std::int64_t o, std::int64_t in, std::int64_t out) {
  return ((o + 1) * in + out - 1) / out;
}

struct AvgPoolGeometry {
  std::int64_t planes, height, width, out_height, out_width;
};

// One call per output element.
template <class T>
struct AdaptiveAvgPoolKernel {
  const T* in;
  T* out;
  AvgPoolGeometry g;
  TAPENET_HD void operator()(std::int64_t o) const {
    std::int64_t ow = o % g.out_width, oh = (o / g.out_width) % g.out_height;
    std::int64_t plane = o / (g.out_width * g.out_height);
    std::int64_t h0 = window_start(oh, g.height, g.out_height);
    std::int64_t h1 = window_end(oh, g.height, g.out_height);
    std::int64_t w0 = window_start(ow, g.width, g.out_width);
    std::int64_t w1 = window_end(ow, g.width, g.out_width);
    const T* image = in + plane * g.height * g.width;
    T total = 0;
    for (std::int64_t h = h0; h < h1; ++h)
      for (std::int64_t w = w0; w < w1; ++w) total += image[h * g.width + w];
    out[o] = total / T((h1 - h0) * (w1 - w0));
  }
};

// One call per input row (plane, h): each pixel gathers grad / window size from every window
// that contains it.
template <class T>
struct AdaptiveAvgPoolBackwardKernel {
  const T* grad_out;
  T* grad_in;
  AvgPoolGeometry g;
  TAPENET_HD void operator()(std::int64_t in_row) const {
    std::int64_t h = in_row % g.height, plane = in_row / g.height;
    const T* grad = grad_out + plane * g.out_height * g.out_width;
    T* out = grad_in + in_row * g.width;
    for (std::int64_t w = 0; w < g.width; ++w) out[w] = T(0);
    for (std::int64_t oh = 0; oh < g.out_height; ++oh) {
      std::int64_t h0 = window_start(oh, g.height, g.out_height);
      std::int64_t h1 = window_end(oh, g.height, g.out_height);
      if (h < h0 || h >= h1) continue;
      for (std::int64_t ow = 0; ow < g.out_width; ++ow) {
        std::int64_t w0 = window_start(ow, g.width, g.out_width);
        std::int64_t w1 = window_end(ow, g.width, g.out_width);
        T share = grad[oh * g.out_width + ow] / T((h1 - h0) * (w1 - w0));
        for (std::int64_t w = w0; w < w1; ++w) out[w] += share;
      }
    }
  }
};

}  // namespace tapenet::kernels
