#pragma once
#include <algorithm>
#include <cstdint>
#include <utility>

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

// Which taps of each kernel_h x kernel_w kernel conv2d convolves with: rows [top, bottom) and
// columns [left, right).
struct KernelCrop {
  std::int64_t kernel_h, kernel_w, top, bottom, left, right;

  bool drops_taps() const { return bottom - top < kernel_h || right - left < kernel_w; }
  std::int64_t kept_taps() const { return (bottom - top) * (right - left); }
  // weight [.., KH, KW] -> kernel [.., KH', KW']: the kept taps
  template <class T>
  kernels::TapBlockCopyKernel<T> crop(const T* weight, T* kernel) const {
    std::int64_t h = bottom - top, w = right - left, full = kernel_h * kernel_w;
    return {weight + top * kernel_w + left, kernel, full, kernel_w, h * w, w, h, w};
  }
  // d(kernel) [.., KH', KW'] -> the kept taps of d(weight) [.., KH, KW]
  template <class T>
  kernels::TapBlockCopyKernel<T> uncrop(const T* grad_kernel, T* grad_weight) const {
    std::int64_t h = bottom - top, w = right - left, full = kernel_h * kernel_w;
    return {grad_kernel, grad_weight + top * kernel_w + left, h * w, w, full, kernel_w, h, w};
  }
};

// Kernel taps that only ever meet padding multiply zeros: drop them, and convolve with the
// smaller kernel that is left. The result is the same; the work can be 9 times less. Copying the
// kept taps out (and their gradient back) costs a pass over the full weight each way, but so
// would the products with the full kernel, which read it twice and write its gradient.
inline KernelCrop kernel_crop(const kernels::ConvGeometry& g) {
  auto [top, bottom] =
      useful_taps(g.height, g.kernel_h, g.stride_h, g.pad_h, g.dilation_h, g.out_h);
  auto [left, right] = useful_taps(g.width, g.kernel_w, g.stride_w, g.pad_w, g.dilation_w, g.out_w);
  return {g.kernel_h, g.kernel_w, top, bottom, left, right};
}

// Everything conv2d decides from the shapes alone, before it touches any data.
struct ConvPlan {
  kernels::ConvGeometry g;    // the sweep of the kept taps: of the cropped kernel, when cropped
  KernelCrop crop;            // which taps are kept
  std::int64_t out_channels;  // OC
  std::int64_t chunk;         // images turned into columns at once (conv_chunk_images)

  std::int64_t plane() const { return g.out_h * g.out_w; }                     // OH*OW
  std::int64_t image_size() const { return g.channels * g.height * g.width; }  // C*H*W
  // f(first, part) for images [first, first + part.batch) of the batch, one chunk at a time.
  template <class F>
  void for_each_chunk(F&& f) const {
    for (std::int64_t first = 0; first < g.batch; first += chunk)
      f(first, g.with_batch(std::min(chunk, g.batch - first)));
  }
};

// The plan for x [N, C, H, W] and weight [OC, C, KH, KW], both checked; the size of T sizes the
// chunks.
template <class T>
ConvPlan plan_conv2d(const Shape& x, const Shape& w, const ConvOptions& options) {
  if (w.rank() != 4) fail("conv2d: expects weight of shape [OC, C, KH, KW], got ", w);
  auto full =
      conv_geometry("conv2d", x, {w[2], w[3]}, options.stride, options.padding, options.dilation);
  if (x[1] != w[1])
    fail("conv2d: input has ", count(x[1], "channel"), " but the weight ", w, " expects ", w[1]);
  KernelCrop crop = kernel_crop(full);
  auto g = full.cropped(crop.top, crop.bottom, crop.left, crop.right);  // g = full if no crop
  return {g, crop, w[0], conv_chunk_images<T>(g, w[0])};
}

// The kernel conv2d convolves with, and how to undo the crop: the way from its gradient back to
// the weight's.
template <Backend B, class T>
struct CroppedKernel {
  Tensor<B, T> kernel;  // [OC, C, KH', KW']: the kept taps; the weight itself when all are kept
  KernelCrop crop;

  // d(kernel) [OC, C, KH', KW'] -> d(weight) [OC, C, KH, KW]: the dropped taps' gradient is zero
  Tensor<B, T> undo(const Tensor<B, T>& grad_kernel) const {
    if (!crop.drops_taps()) return grad_kernel;
    const Shape& s = grad_kernel.shape();
    auto grad_weight = Tensor<B, T>::zeros({s[0], s[1], crop.kernel_h, crop.kernel_w});
    B::for_each(s[0] * s[1], crop.uncrop(grad_kernel.data(), grad_weight.data()), crop.kept_taps());
    return grad_weight;
  }
};

// weight [OC, C, KH, KW] -> kernel [OC, C, KH', KW'], the taps that `crop` keeps
template <Backend B, class T>
CroppedKernel<B, T> crop_kernel(const Tensor<B, T>& weight, const KernelCrop& crop) {
  if (!crop.drops_taps()) return {weight, crop};
  const Shape& w = weight.shape();
  auto kernel = Tensor<B, T>::empty({w[0], w[1], crop.bottom - crop.top, crop.right - crop.left});
  B::for_each(w[0] * w[1], crop.crop(weight.data(), kernel.data()), crop.kept_taps());
  return {kernel, crop};
}

// out [N, OC, OH, OW] = kernel [OC, C*KH*KW] . columns [C*KH*KW, N*OH*OW] + bias (or null),
// one GEMM per chunk of images: its columns stay in the cache between im2col and the GEMM.
template <Backend B, class T>
Tensor<B, T> conv2d_forward(const Tensor<B, T>& x, const Tensor<B, T>& kernel, const T* bias,
                            const ConvPlan& p) {
  std::int64_t out_channels = p.out_channels, plane = p.plane(), patch = p.g.patch_size();
  auto out = Tensor<B, T>::empty({p.g.batch, out_channels, p.g.out_h, p.g.out_w});
  // columns: [C*KH*KW, images*OH*OW]; out_matrix: [OC, images*OH*OW]
  auto cols = Tensor<B, T>::empty({patch, p.chunk * plane});
  auto out_matrix = Tensor<B, T>::empty({out_channels, p.chunk * plane});
  p.for_each_chunk([&](std::int64_t first, const kernels::ConvGeometry& part) {
    kernels::im2col<B>(x.data() + first * p.image_size(), cols.data(), part);
    B::gemm(false, false, out_channels, part.column_count(), patch, T(1), kernel.data(),
            cols.data(), T(0), out_matrix.data());
    // [OC, images, OH*OW] -> out[first : first + images] [images, OC, OH*OW], plus the bias
    B::for_each(part.batch * out_channels,
                kernels::ChannelsFirstToBatchFirstKernel<T>{
                    out_matrix.data(), bias, out.data() + first * out_channels * plane, part.batch,
                    out_channels, plane},
                plane);
  });
  return out;
}

// d(bias) [OC]: d(out) [N, OC, OH*OW] summed over the images and positions
template <Backend B, class T>
Tensor<B, T> conv2d_bias_grad(const Tensor<B, T>& grad, const ConvPlan& p) {
  auto grad_bias = Tensor<B, T>::empty({p.out_channels});
  B::for_each(p.out_channels,
              kernels::ChannelSumKernel<T>{grad.data(), grad_bias.data(), p.g.batch, p.out_channels,
                                           p.plane()},
              p.g.batch * p.plane());
  return grad_bias;
}

// Backward GEMM 1, one chunk: d(kernel) [OC, C*KH*KW] += d(out) [OC, images*OH*OW] .
// columns^T [images*OH*OW, C*KH*KW] (= on the first chunk). The columns are rebuilt from x rather
// than kept from the forward pass: they are KH*KW times larger than x.
template <Backend B, class T>
void conv2d_kernel_grad(const T* x, const T* grad_matrix, T* cols, T* grad_kernel,
                        const kernels::ConvGeometry& part, std::int64_t out_channels,
                        bool first_chunk) {
  kernels::im2col<B>(x, cols, part);
  B::gemm(false, true, out_channels, part.patch_size(), part.column_count(), T(1), grad_matrix,
          cols, first_chunk ? T(0) : T(1), grad_kernel);
}

// Backward GEMM 2, one chunk: d(columns) [C*KH*KW, images*OH*OW] = kernel^T [C*KH*KW, OC] .
// d(out) [OC, images*OH*OW]; col2im adds them back to the pixels, d(x) [images, C, H, W].
template <Backend B, class T>
void conv2d_input_grad(const T* kernel, const T* grad_matrix, T* cols, T* grad_x,
                       const kernels::ConvGeometry& part, std::int64_t out_channels) {
  B::gemm(true, false, part.patch_size(), part.column_count(), out_channels, T(1), kernel,
          grad_matrix, T(0), cols);
  kernels::col2im<B>(cols, grad_x, part);
}

// d(out) [N, OC, OH, OW] -> {d(kernel) [OC, C, KH', KW'], d(x) [N, C, H, W]}, chunk by chunk;
// each only when asked for (the other is left undefined).
template <Backend B, class T>
auto conv2d_backward(const Tensor<B, T>& grad, const Tensor<B, T>& x, const Tensor<B, T>& kernel,
                     const ConvPlan& p, bool kernel_grad, bool input_grad) {
  std::int64_t out_channels = p.out_channels, plane = p.plane();
  // grad_matrix: [OC, images*OH*OW], a chunk's d(out); columns: [C*KH*KW, images*OH*OW]
  auto grad_matrix = Tensor<B, T>::empty({out_channels, p.chunk * plane});
  auto cols = Tensor<B, T>::empty({p.g.patch_size(), p.chunk * plane});
  Tensor<B, T> grad_kernel, grad_x;
  if (kernel_grad) grad_kernel = Tensor<B, T>::empty(kernel.shape());
  if (input_grad) grad_x = Tensor<B, T>::empty(x.shape());
  p.for_each_chunk([&](std::int64_t first, const kernels::ConvGeometry& part) {
    // d(out)[first : first + images] [images, OC, OH*OW] -> [OC, images*OH*OW]
    B::for_each(out_channels * part.batch,
                kernels::BatchFirstToChannelsFirstKernel<T>{
                    grad.data() + first * out_channels * plane, grad_matrix.data(), part.batch,
                    out_channels, plane},
                plane);
    if (kernel_grad)
      conv2d_kernel_grad<B>(x.data() + first * p.image_size(), grad_matrix.data(), cols.data(),
                            grad_kernel.data(), part, out_channels, first == 0);
    if (input_grad)  // cols is free again: it takes d(columns)
      conv2d_input_grad<B>(kernel.data(), grad_matrix.data(), cols.data(),
                           grad_x.data() + first * p.image_size(), part, out_channels);
  });
  return std::pair{grad_kernel, grad_x};
}

// 2-D convolution (cross-correlation, as in every framework): x [N, C, H, W], weight
// [OC, C, KH, KW], bias [OC] or undefined; the output is [N, OC, OH, OW]. The steps: plan from
// the shapes, crop the kernel, forward (one GEMM per chunk of images), and in backward the two
// GEMMs, d(kernel) and d(columns), with the crop undone on the kernel's gradient.
template <Backend B, class T>
Var<B, T> conv2d(const Var<B, T>& x, const Var<B, T>& weight, const Var<B, T>& bias,
                 ConvOptions options = {}) {
  ConvPlan plan = plan_conv2d<T>(x.shape(), weight.shape(), options);
  if (bias.defined() && bias.shape() != Shape{plan.out_channels})
    fail("conv2d: bias has shape ", bias.shape(), ", expected [", plan.out_channels, "]");
  CroppedKernel<B, T> cropped = crop_kernel(weight.value(), plan.crop);
  auto out = conv2d_forward(x.value(), cropped.kernel,
                            bias.defined() ? bias.value().data() : nullptr, plan);
  auto backward = [x, weight, bias, plan, cropped](const Tensor<B, T>& grad) {
    if (bias.requires_grad()) bias.accumulate_grad(conv2d_bias_grad(grad, plan));
    if (!weight.requires_grad() && !x.requires_grad()) return;
    auto [grad_kernel, grad_x] = conv2d_backward(grad, x.value(), cropped.kernel, plan,
                                                 weight.requires_grad(), x.requires_grad());
    if (weight.requires_grad()) weight.accumulate_grad(cropped.undo(grad_kernel));
    if (x.requires_grad()) x.accumulate_grad(grad_x);
  };
  return Var<B, T>::record("conv2d", out, {x, weight, bias}, backward);
}

}  // namespace tapenet
