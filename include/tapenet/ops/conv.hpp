#pragma once
#include <algorithm>
#include <cstdint>

#include "tapenet/autograd/var.hpp"
#include "tapenet/tensor/conv.hpp"

namespace tapenet {

// A size along height and width, given as one number for both (3) or two ({3, 1}), like
// PyTorch's int-or-tuple arguments.
struct Size2 {
  std::int64_t h, w;
  Size2(std::int64_t both) : h(both), w(both) {}  // NOLINT: implicit on purpose, as in PyTorch
  Size2(std::int64_t height, std::int64_t width) : h(height), w(width) {}
};

struct ConvOptions {
  Size2 stride = 1, padding = 0, dilation = 1;
};

// The window sweep of a kernel over x, checked: every mistake is reported with the sizes involved.
inline kernels::ConvGeometry conv_geometry(const char* op, const Shape& x, Size2 kernel,
                                           Size2 stride, Size2 padding, Size2 dilation) {
  if (x.rank() != 4) fail(op, ": expects input of shape [N, C, H, W], got ", x);
  if (kernel.h < 1 || kernel.w < 1 || stride.h < 1 || stride.w < 1 || dilation.h < 1 ||
      dilation.w < 1 || padding.h < 0 || padding.w < 0)
    fail(op, ": kernel ", kernel.h, "x", kernel.w, ", stride ", stride.h, "x", stride.w,
         ", dilation ", dilation.h, "x", dilation.w, " must be positive and padding ", padding.h,
         "x", padding.w, " non-negative");
  kernels::ConvGeometry g{x[0],     x[1],     x[2],      x[3],      kernel.h,   kernel.w,
                          stride.h, stride.w, padding.h, padding.w, dilation.h, dilation.w};
  if (g.out_height() < 1 || g.out_width() < 1)
    fail(op, ": input ", x, " is too small for a ", kernel.h, "x", kernel.w,
         " kernel with padding ", padding.h, "x", padding.w, " and dilation ", dilation.h, "x",
         dilation.w, " (the output would be ", g.out_height(), "x", g.out_width(), ")");
  return g;
}

// How many images a convolution turns into columns at once. The column matrix is KH*KW times
// larger than the images; built for a whole batch it would stream through main memory twice
// (written by im2col, read by the GEMM). Built for a few images at a time it stays in the cache.
// 1 MiB was the steadiest choice for ResNet18 training and inference (bench_resnet18) among
// 256 KiB to 16 MiB and the whole batch at once.
inline constexpr std::int64_t conv_chunk_bytes = std::int64_t(1) << 20;

// When conv2d drops kernel taps that meet only padding (see conv2d): when the multiply-adds saved
// outnumber the bytes moved by this much. Tests set it to 0 to make every possible crop happen.
inline double conv_crop_flops_per_byte = 10;

// Each chunk also costs a pass over the weight's gradient, which backward accumulates chunk by
// chunk; so a chunk's columns are never made smaller than the weight (ResNet's last stages have
// big weights and tiny images).
template <class T>
std::int64_t conv_chunk_images(const kernels::ConvGeometry& g, std::int64_t out_channels) {
  std::int64_t per_image =
      g.patch_size() * g.out_height() * g.out_width() * std::int64_t(sizeof(T));
  std::int64_t weight_bytes = out_channels * g.patch_size() * std::int64_t(sizeof(T));
  std::int64_t images = std::max(conv_chunk_bytes, weight_bytes) / per_image;
  return images < 1 ? 1 : (images > g.batch ? g.batch : images);
}

// The kernel taps [first, last) along one dimension that meet the image at some output position;
// on small images (ResNet's last stage sees 1x1 pixels) most of a 3x3 kernel meets only padding.
inline std::pair<std::int64_t, std::int64_t> useful_taps(std::int64_t size, std::int64_t kernel,
                                                         std::int64_t stride, std::int64_t pad,
                                                         std::int64_t dilation, std::int64_t out) {
  auto touches = [&](std::int64_t k) {
    for (std::int64_t o = 0; o < out; ++o) {
      std::int64_t at = o * stride - pad + k * dilation;
      if (at >= 0 && at < size) return true;
    }
    return false;
  };
  std::int64_t first = 0, last = kernel;
  while (first < last && !touches(first)) ++first;
  while (last > first && !touches(last - 1)) --last;
  return {first, last};
}

// 2-D convolution (cross-correlation, as in every framework): x [N, C, H, W], weight
// [OC, C, KH, KW], bias [OC] or undefined; the output is [N, OC, OH, OW].
//
// Forward is one GEMM per chunk of images: weight as a [OC, C*KH*KW] matrix times im2col(x),
// [C*KH*KW, images*OH*OW]. Backward is two more: d(weight) += d(out) im2col(x)^T and
// d(columns) = weight^T d(out), and col2im takes d(columns) back to the pixels. The columns are
// rebuilt in backward rather than kept: they are KH*KW times larger than x.
template <Backend B, class T>
Var<B, T> conv2d(const Var<B, T>& x, const Var<B, T>& weight, const Var<B, T>& bias,
                 ConvOptions options = {}) {
  const Shape& w = weight.shape();
  if (w.rank() != 4) fail("conv2d: expects weight of shape [OC, C, KH, KW], got ", w);
  auto g = conv_geometry("conv2d", x.shape(), {w[2], w[3]}, options.stride, options.padding,
                         options.dilation);
  if (x.shape()[1] != w[1])
    fail("conv2d: input has ", count(x.shape()[1], "channel"), " but the weight ", w, " expects ",
         w[1]);
  if (bias.defined() && bias.shape() != Shape{w[0]})
    fail("conv2d: bias has shape ", bias.shape(), ", expected [", w[0], "]");
  std::int64_t out_channels = w[0], plane = g.out_height() * g.out_width();
  std::int64_t image_size = g.channels * g.height * g.width;

  // Kernel taps that only ever meet padding multiply zeros: drop them, and convolve with the
  // smaller kernel that is left. The result is the same; the work can be 9 times less. Cropping
  // costs three passes over the full weight (crop it; zero and fill its gradient), so it is only
  // done when the multiply-adds saved outnumber the bytes moved ten to one (by default), about
  // the ratio of what a CPU core computes to what its memory delivers.
  auto [top, bottom] =
      useful_taps(g.height, g.kernel_h, g.stride_h, g.pad_h, g.dilation_h, g.out_h);
  auto [left, right] = useful_taps(g.width, g.kernel_w, g.stride_w, g.pad_w, g.dilation_w, g.out_w);
  std::int64_t dropped_taps = g.kernel_h * g.kernel_w - (bottom - top) * (right - left);
  double flops_saved = 2.0 * double(w[0] * g.column_count() * g.channels * dropped_taps);
  double bytes_moved = 3.0 * double(w.numel()) * sizeof(T);
  bool crop = dropped_taps > 0 && flops_saved >= conv_crop_flops_per_byte * bytes_moved;
  kernels::KernelCropKernel<T> crop_kernel{nullptr, nullptr,      g.kernel_h,   g.kernel_w, top,
                                           left,    bottom - top, right - left, false};
  Tensor<B, T> kernel = weight.value();
  if (crop) {
    g = g.cropped(top, bottom, left, right);
    kernel = Tensor<B, T>::empty({w[0], w[1], g.kernel_h, g.kernel_w});
    crop_kernel.in = weight.value().data();
    crop_kernel.out = kernel.data();
    B::for_each(w[0] * w[1], crop_kernel, g.kernel_h * g.kernel_w);
  }
  std::int64_t patch = g.patch_size(), chunk = conv_chunk_images<T>(g, out_channels);

  auto out = Tensor<B, T>::empty({g.batch, out_channels, g.out_height(), g.out_width()});
  {
    auto cols = Tensor<B, T>::empty({patch, chunk * plane});
    auto out_matrix = Tensor<B, T>::empty({out_channels, chunk * plane});
    for (std::int64_t first = 0; first < g.batch; first += chunk) {
      auto part = g.with_batch(std::min(chunk, g.batch - first));
      kernels::im2col<B>(x.value().data() + first * image_size, cols.data(), part);
      B::gemm(false, false, out_channels, part.column_count(), patch, T(1), kernel.data(),
              cols.data(), T(0), out_matrix.data());
      B::for_each(part.batch * out_channels,
                  kernels::ChannelsFirstToBatchFirstKernel<T>{
                      out_matrix.data(), bias.defined() ? bias.value().data() : nullptr,
                      out.data() + first * out_channels * plane, part.batch, out_channels, plane},
                  plane);
    }
  }

  auto backward = [x, weight, bias, g, out_channels, plane, patch, image_size, chunk, kernel, crop,
                   crop_kernel](const Tensor<B, T>& grad) {
    if (bias.requires_grad()) {
      auto grad_bias = Tensor<B, T>::empty(bias.shape());
      B::for_each(
          out_channels,
          kernels::ChannelSumKernel<T>{grad.data(), grad_bias.data(), g.batch, out_channels, plane},
          g.batch * plane);
      bias.accumulate_grad(grad_bias);
    }
    if (!weight.requires_grad() && !x.requires_grad()) return;
    auto grad_matrix = Tensor<B, T>::empty({out_channels, chunk * plane});
    auto cols = Tensor<B, T>::empty({patch, chunk * plane});
    Tensor<B, T> grad_weight, grad_x;
    if (weight.requires_grad()) grad_weight = Tensor<B, T>::empty(kernel.shape());
    if (x.requires_grad()) grad_x = Tensor<B, T>::empty(x.shape());
    for (std::int64_t first = 0; first < g.batch; first += chunk) {
      auto part = g.with_batch(std::min(chunk, g.batch - first));
      B::for_each(out_channels * part.batch,
                  kernels::BatchFirstToChannelsFirstKernel<T>{
                      grad.data() + first * out_channels * plane, grad_matrix.data(), part.batch,
                      out_channels, plane},
                  plane);
      if (weight.requires_grad()) {
        kernels::im2col<B>(x.value().data() + first * image_size, cols.data(), part);
        B::gemm(false, true, out_channels, patch, part.column_count(), T(1), grad_matrix.data(),
                cols.data(), first == 0 ? T(0) : T(1), grad_weight.data());
      }
      if (x.requires_grad()) {  // cols is free again: it takes d(columns)
        B::gemm(true, false, patch, part.column_count(), out_channels, T(1), kernel.data(),
                grad_matrix.data(), T(0), cols.data());
        kernels::col2im<B>(cols.data(), grad_x.data() + first * image_size, part);
      }
    }
    if (weight.requires_grad() && crop) {  // the dropped taps' gradient is zero
      auto full = Tensor<B, T>::zeros(weight.shape());
      auto scatter = crop_kernel;
      scatter.in = grad_weight.data();
      scatter.out = full.data();
      scatter.backwards = true;
      B::for_each(weight.shape()[0] * weight.shape()[1], scatter, g.kernel_h * g.kernel_w);
      grad_weight = full;
    }
    if (weight.requires_grad()) weight.accumulate_grad(grad_weight);
    if (x.requires_grad()) x.accumulate_grad(grad_x);
  };
  return Var<B, T>::record("conv2d", out, {x, weight, bias}, backward);
}

}  // namespace tapenet
