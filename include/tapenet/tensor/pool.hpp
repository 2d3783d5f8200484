#pragma once
// Pooling: the maximum, or the average, of each window of each channel.
#include <cstdint>

#include "tapenet/tensor/conv.hpp"

namespace tapenet::kernels {

// One call pools one (n, c) plane. Besides each maximum it keeps where in the input plane it was
// (its index h * W + w), which is all that backward needs. As in PyTorch, the first maximum wins
// ties and a NaN wins over anything, even an earlier NaN. Padding never wins: it is not read.
template <class T>
struct MaxPoolKernel {
  const T* in;
  T* out;
  std::int32_t* argmax;
  ConvGeometry g;
  TAPENET_HD void operator()(std::int64_t plane) const {
    const T* image = in + plane * g.height * g.width;
    // the outputs whose whole window is inside the image: rows [top, bottom), columns [left, right)
    std::int64_t top = g.tap_rows(0).first(), bottom = g.tap_rows(g.kernel_h - 1).last();
    std::int64_t left = g.tap_columns(0).first(), right = g.tap_columns(g.kernel_w - 1).last();
    for (std::int64_t oh = 0; oh < g.out_h; ++oh) {
      std::int64_t o = (plane * g.out_h + oh) * g.out_w;
      bool row_inside = oh >= top && oh < bottom;
      for (std::int64_t ow = 0; ow < g.out_w; ++ow)
        if (!row_inside || ow < left || ow >= right) max_near_edge(image, oh, ow, o + ow);
      if (row_inside && left < right) max_inside(image, oh, left, right, o);
    }
  }

  // Whether value takes over from the best so far: a larger number, or a NaN. (`|` rather than
  // `||`: both comparisons are cheap, and evaluating both leaves no branch to mispredict.)
  TAPENET_HD static bool beats(T value, T best) { return (value > best) | (value != value); }

  // Outputs [left, right) of row oh, whose windows are inside the image: no bounds checks. The
  // taps are the outer loop and the outputs the inner one, so neighbouring windows' comparisons
  // need not wait for each other (ResNet18's pool ran 1.5 times faster than a window at a time);
  // each output still sees its taps in order.
  TAPENET_HD void max_inside(const T* image, std::int64_t oh, std::int64_t left, std::int64_t right,
                             std::int64_t o) const {
    T* best_value = out + o;
    std::int32_t* best = argmax + o;
    std::int64_t corner = (oh * g.stride_h - g.pad_h) * g.width - g.pad_w;  // window at ow = 0
    for (std::int64_t ow = left; ow < right; ++ow) {
      best[ow] = static_cast<std::int32_t>(corner + ow * g.stride_w);
      best_value[ow] = image[best[ow]];
    }
    for (std::int64_t kh = 0; kh < g.kernel_h; ++kh)
      for (std::int64_t kw = 0; kw < g.kernel_w; ++kw) {
        std::int64_t tap = corner + kh * g.dilation_h * g.width + kw * g.dilation_w;
        for (std::int64_t ow = left; ow < right; ++ow) {
          std::int64_t at = tap + ow * g.stride_w;
          T value = image[at];
          bool wins = beats(value, best_value[ow]);
          best[ow] = wins ? static_cast<std::int32_t>(at) : best[ow];
          best_value[ow] = wins ? value : best_value[ow];
        }
      }
  }

  // A window that reaches into the padding: the taps outside the image are skipped.
  TAPENET_HD void max_near_edge(const T* image, std::int64_t oh, std::int64_t ow,
                                std::int64_t o) const {
    std::int64_t best = -1;
    for (std::int64_t kh = 0; kh < g.kernel_h; ++kh) {
      std::int64_t h = oh * g.stride_h - g.pad_h + kh * g.dilation_h;
      if (h < 0 || h >= g.height) continue;
      for (std::int64_t kw = 0; kw < g.kernel_w; ++kw) {
        std::int64_t w = ow * g.stride_w - g.pad_w + kw * g.dilation_w;
        if (w < 0 || w >= g.width) continue;
        if (best < 0 || beats(image[h * g.width + w], image[best])) best = h * g.width + w;
      }
    }
    out[o] = best < 0 ? T(0) : image[best];
    argmax[o] = static_cast<std::int32_t>(best);
  }
};

// One call per (n, c) plane: each window's gradient goes to the input that was its maximum.
// Windows overlap (kernel 3, stride 2), so one input may receive several; one call owns the
// whole plane, so no two calls add into the same place.
template <class T>
struct MaxPoolBackwardKernel {
  const T* grad_out;
  const std::int32_t* argmax;
  T* grad_in;
  ConvGeometry g;
  TAPENET_HD void operator()(std::int64_t plane) const {
    std::int64_t outputs = g.out_height() * g.out_width();
    T* grad = grad_in + plane * g.height * g.width;
    for (std::int64_t i = 0; i < g.height * g.width; ++i) grad[i] = T(0);
    for (std::int64_t o = plane * outputs; o < (plane + 1) * outputs; ++o)
      grad[argmax[o]] += grad_out[o];
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

// One call per plane: each window spreads grad / window size over the inputs it averaged.
template <class T>
struct AdaptiveAvgPoolBackwardKernel {
  const T* grad_out;
  T* grad_in;
  AvgPoolGeometry g;
  TAPENET_HD void operator()(std::int64_t plane) const {
    const T* grad = grad_out + plane * g.out_height * g.out_width;
    T* out = grad_in + plane * g.height * g.width;
    for (std::int64_t i = 0; i < g.height * g.width; ++i) out[i] = T(0);
    for (std::int64_t oh = 0; oh < g.out_height; ++oh) {
      std::int64_t h0 = window_start(oh, g.height, g.out_height);
      std::int64_t h1 = window_end(oh, g.height, g.out_height);
      for (std::int64_t ow = 0; ow < g.out_width; ++ow) {
        std::int64_t w0 = window_start(ow, g.width, g.out_width);
        std::int64_t w1 = window_end(ow, g.width, g.out_width);
        T share = grad[oh * g.out_width + ow] / T((h1 - h0) * (w1 - w0));
        for (std::int64_t h = h0; h < h1; ++h)
          for (std::int64_t w = w0; w < w1; ++w) out[h * g.width + w] += share;
      }
    }
  }
};

}  // namespace tapenet::kernels
