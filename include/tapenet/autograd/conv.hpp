#pragma once
#include <cstdint>

#include "tapenet/autograd/var.hpp"
#include "tapenet/backend/kernels/conv.hpp"

namespace tapenet {

// A size along height and width, given as one number for both (3) or two ({3, 1}), like
// PyTorch's int-or-tuple arguments.
struct Size2 {
  std::int64_t h, w;
  Size2(std::int64_t both) : h(both), w(both) {}  // NOLINT: implicit on purpose, as in PyTorch
  Size2(std::int64_t height, std::int64_t width) : h(height), w(width) {}
  bool operator==(const Size2&) const = default;
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

// 2-D convolution (cross-correlation, as in every framework): x [N, C, H, W], weight
// [OC, C, KH, KW], bias [OC] or undefined; the output is [N, OC, OH, OW].
//
// Forward is one GEMM: weight as a [OC, C*KH*KW] matrix times im2col(x), [C*KH*KW, N*OH*OW].
// Backward is two more: d(weight) = d(out) im2col(x)^T and d(columns) = weight^T d(out), and
// col2im takes d(columns) back to the pixels. The columns are rebuilt in backward rather than
// kept: they are KH*KW times larger than x.
template <Backend B, class T>
Var<B, T> conv2d(const Var<B, T>& x, const Var<B, T>& weight, const Var<B, T>& bias,
                 ConvOptions options = {}) {
  const Shape& w = weight.shape();
  if (w.rank() != 4) fail("conv2d: expects weight of shape [OC, C, KH, KW], got ", w);
  auto g = conv_geometry("conv2d", x.shape(), {w[2], w[3]}, options.stride, options.padding,
                         options.dilation);
  if (x.shape()[1] != w[1])
    fail("conv2d: input has ", x.shape()[1], " channels but the weight ", w, " expects ", w[1]);
  if (bias.defined() && bias.shape() != Shape{w[0]})
    fail("conv2d: bias has shape ", bias.shape(), ", expected [", w[0], "]");
  std::int64_t out_channels = w[0], plane = g.out_height() * g.out_width();
  std::int64_t patch = g.patch_size(), columns = g.column_count();

  auto out_matrix = Tensor<B, T>::empty({out_channels, columns});
  {
    auto cols = kernels::im2col(x.value(), g);
    B::gemm(false, false, out_channels, columns, patch, T(1), weight.value().data(), cols.data(),
            T(0), out_matrix.data());
  }
  auto out = Tensor<B, T>::empty({g.batch, out_channels, g.out_height(), g.out_width()});
  B::for_each(g.batch * out_channels,
              kernels::ChannelsFirstToBatchFirstKernel<T>{
                  out_matrix.data(), bias.defined() ? bias.value().data() : nullptr, out.data(),
                  g.batch, out_channels, plane},
              plane);

  auto backward = [x, weight, bias, g, out_channels, plane, patch, columns](const Tensor<B, T>& grad) {
    auto grad_matrix = Tensor<B, T>::empty({out_channels, columns});
    B::for_each(out_channels * g.batch,
                kernels::BatchFirstToChannelsFirstKernel<T>{grad.data(), grad_matrix.data(),
                                                            g.batch, out_channels, plane},
                plane);
    if (bias.defined() && bias.requires_grad()) {
      auto grad_bias = Tensor<B, T>::empty(bias.shape());
      B::for_each(out_channels,
                  kernels::RowSumKernel<T>{grad_matrix.data(), grad_bias.data(), columns},
                  columns);
      bias.accumulate_grad(grad_bias);
    }
    if (weight.requires_grad()) {
      auto cols = kernels::im2col(x.value(), g);
      auto grad_weight = Tensor<B, T>::empty(weight.shape());
      B::gemm(false, true, out_channels, patch, columns, T(1), grad_matrix.data(), cols.data(),
              T(0), grad_weight.data());
      weight.accumulate_grad(grad_weight);
    }
    if (x.requires_grad()) {
      auto grad_cols = Tensor<B, T>::empty({patch, columns});
      B::gemm(true, false, patch, columns, out_channels, T(1), weight.value().data(),
              grad_matrix.data(), T(0), grad_cols.data());
      x.accumulate_grad(kernels::col2im(grad_cols, g));
    }
  };
  return Var<B, T>::record("conv2d", out, {x, weight, bias}, backward);
}

}  // namespace tapenet
