#pragma once
#include <cstdint>
#include <optional>

#include "tapenet/ops/conv.hpp"
#include "tapenet/tensor/pool.hpp"

namespace tapenet {

struct MaxPool2dOptions {
  std::optional<Size2> stride = std::nullopt;  // the kernel size when not given, as in PyTorch
  Size2 padding = 0;
  Size2 dilation = 1;
};

// The maximum of each kernel-sized window, like F.max_pool2d. The gradient goes to the one input
// that was the maximum of each window.
template <Backend B, class T>
Var<B, T> max_pool2d(const Var<B, T>& x, Size2 kernel, MaxPool2dOptions options = {}) {
  Size2 stride = options.stride.value_or(kernel);
  auto g =
      conv_geometry("max_pool2d", x.shape(), kernel, stride, options.padding, options.dilation);
  if (2 * options.padding.h > kernel.h || 2 * options.padding.w > kernel.w)
    fail("max_pool2d: padding ", options.padding.h, "x", options.padding.w,
         " should be at most half of the kernel ", kernel.h, "x", kernel.w);
  std::int64_t planes = g.batch * g.channels;
  auto out = Tensor<B, T>::empty({g.batch, g.channels, g.out_height(), g.out_width()});
  auto argmax = Tensor<B, std::int32_t>::empty(out.shape());
  B::for_each(planes, kernels::MaxPoolKernel<T>{x.value().data(), out.data(), argmax.data(), g},
              out.numel() / planes * g.kernel_h * g.kernel_w);
  auto backward = [x, argmax, g, planes](const Tensor<B, T>& grad) {
    auto grad_x = Tensor<B, T>::empty(x.shape());
    B::for_each(planes,
                kernels::MaxPoolBackwardKernel<T>{grad.data(), argmax.data(), grad_x.data(), g},
                g.height * g.width);
    x.accumulate_grad(grad_x);
  };
  return Var<B, T>::record("max_pool2d", out, {x}, backward);
}

// The average over each of output_size windows that tile the input, like
// F.adaptive_avg_pool2d; ResNet's (1, 1) is the global average of each channel.
template <Backend B, class T>
Var<B, T> adaptive_avg_pool2d(const Var<B, T>& x, Size2 output_size) {
  const Shape& shape = x.shape();
  if (shape.rank() != 4) fail("adaptive_avg_pool2d: expects input [N, C, H, W], got ", shape);
  if (output_size.h < 1 || output_size.w < 1)
    fail("adaptive_avg_pool2d: output size ", output_size.h, "x", output_size.w,
         " must be positive");
  kernels::AvgPoolGeometry g{shape[0] * shape[1], shape[2], shape[3], output_size.h, output_size.w};
  auto out = Tensor<B, T>::empty({shape[0], shape[1], output_size.h, output_size.w});
  B::for_each(out.numel(), kernels::AdaptiveAvgPoolKernel<T>{x.value().data(), out.data(), g},
              g.height * g.width / (g.out_height * g.out_width) + 1);
  auto backward = [x, g](const Tensor<B, T>& grad) {
    auto grad_x = Tensor<B, T>::empty(x.shape());
    B::for_each(g.planes, kernels::AdaptiveAvgPoolBackwardKernel<T>{grad.data(), grad_x.data(), g},
                g.height * g.width);
    x.accumulate_grad(grad_x);
  };
  return Var<B, T>::record("adaptive_avg_pool2d", out, {x}, backward);
}

}  // namespace tapenet
