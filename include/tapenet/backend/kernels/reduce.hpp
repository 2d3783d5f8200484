#pragma once
// Sums that undo broadcasting, and the reverse: a scalar spread over a tensor.
#include <cstdint>

#include "tapenet/core/tensor.hpp"

namespace tapenet::kernels {

// Sums x over the dimensions that broadcasting stretched, giving a tensor of `shape` again.
// One output element per call; it walks the reduced dimensions itself.
template <class T>
struct SumToKernel {
  const T* in;
  T* out;
  int rank;
  std::int64_t dims[Shape::max_rank];
  std::int64_t strides[Shape::max_rank];
  bool reduced[Shape::max_rank];
  std::int64_t reduced_count;

  TAPENET_HD void operator()(std::int64_t o) const {
    std::int64_t base = 0, rest = o;
    for (int d = rank - 1; d >= 0; --d) {
      if (reduced[d]) continue;
      base += (rest % dims[d]) * strides[d];
      rest /= dims[d];
    }
    T total = 0;
    for (std::int64_t r = 0; r < reduced_count; ++r) {
      std::int64_t offset = base, left = r;
      for (int d = rank - 1; d >= 0; --d) {
        if (!reduced[d]) continue;
        offset += (left % dims[d]) * strides[d];
        left /= dims[d];
      }
      total += in[offset];
    }
    out[o] = total;
  }
};

// The adjoint of broadcasting: the gradient of a broadcast operand is the output gradient
// summed over every position that read the same operand element.
template <Backend B, class T>
Tensor<B, T> sum_to(const Tensor<B, T>& x, const Shape& shape) {
  if (x.shape() == shape) return x;
  if (broadcast_shapes(shape, x.shape()) != x.shape())
    fail("sum_to: shape ", shape, " does not broadcast to ", x.shape());
  if (shape.numel() == 1) return Tensor<B, T>::full(shape, B::sum(x.data(), x.numel()));
  auto out = Tensor<B, T>::empty(shape);
  SumToKernel<T> kernel{x.data(), out.data(), x.dim(), {}, {}, {}, 1};
  auto strides = x.shape().strides();
  int shift = x.dim() - shape.rank();
  for (int d = 0; d < x.dim(); ++d) {
    kernel.dims[d] = x.size(d);
    kernel.strides[d] = strides[static_cast<std::size_t>(d)];
    kernel.reduced[d] = d < shift || (shape[d - shift] == 1 && x.size(d) != 1);
    if (kernel.reduced[d]) kernel.reduced_count *= x.size(d);
  }
  B::for_each(out.numel(), kernel);
  return out;
}

// out[i] = scale * value[0]: spreads a scalar (held on the device) over a tensor.
template <class T>
struct FillFromScalarKernel {
  const T* value;
  T scale;
  T* out;
  TAPENET_HD void operator()(std::int64_t i) const { out[i] = scale * value[0]; }
};

template <Backend B, class T>
Tensor<B, T> expand_scalar(const Tensor<B, T>& scalar, const Shape& shape, T scale) {
  auto out = Tensor<B, T>::empty(shape);
  B::for_each(out.numel(), FillFromScalarKernel<T>{scalar.data(), scale, out.data()});
  return out;
}

}  // namespace tapenet::kernels
