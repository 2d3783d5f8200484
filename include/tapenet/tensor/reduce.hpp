#pragma once
// Reductions: along one dimension (sum, max, argmax), the sums that undo broadcasting, and the
// reverse of a reduction to a scalar, the scalar spread over a tensor.
#include <cstdint>

#include "tapenet/core/tensor.hpp"

namespace tapenet::kernels {

// A tensor seen as lines along one dimension: `outer` blocks, each of `size` elements `inner`
// apart. Reductions over a dimension and log_softmax work on each line independently; line number
// `line` is also the index of its result in the reduced tensor.
struct Lines {
  std::int64_t outer = 1, size = 1, inner = 1;
  Lines(const Shape& shape, int dim) {
    for (int d = 0; d < shape.rank(); ++d) {
      if (d < dim)
        outer *= shape[d];
      else if (d == dim)
        size = shape[d];
      else
        inner *= shape[d];
    }
  }
  TAPENET_HD std::int64_t count() const { return outer * inner; }
  TAPENET_HD std::int64_t start(std::int64_t line) const {
    return (line / inner) * size * inner + line % inner;
  }
};

template <class T>
struct SumLinesKernel {
  const T* in;
  T* out;
  Lines lines;
  TAPENET_HD void operator()(std::int64_t line) const {
    T total = 0;
    for (std::int64_t j = 0, at = lines.start(line); j < lines.size; ++j, at += lines.inner)
      total += in[at];
    out[line] = total;
  }
};

// The position of the largest element of a line; the first one on ties, and the first NaN if
// there is one, as PyTorch does. (A NaN is not larger than anything, so it is tested for itself.)
template <class T>
TAPENET_HD std::int64_t argmax_of_line(const T* in, const Lines& lines, std::int64_t line) {
  const std::int64_t first = lines.start(line);
  std::int64_t best = 0;
  for (std::int64_t j = 1; j < lines.size; ++j) {
    T value = in[first + j * lines.inner], largest = in[first + best * lines.inner];
    bool largest_is_nan = largest != largest, value_is_nan = value != value;
    if (!largest_is_nan && (value > largest || value_is_nan)) best = j;
  }
  return best;
}

template <class T>
struct ArgmaxLinesKernel {
  const T* in;
  std::int64_t* out;
  Lines lines;
  TAPENET_HD void operator()(std::int64_t line) const {
    out[line] = argmax_of_line(in, lines, line);
  }
};

template <class T>
struct MaxLinesKernel {
  const T* in;
  T* out;
  Lines lines;
  TAPENET_HD void operator()(std::int64_t line) const {
    out[line] = in[lines.start(line) + argmax_of_line(in, lines, line) * lines.inner];
  }
};

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

// out[i] = scale * value[0]: spreads a scalar (held on the device) over a tensor.
template <class T>
struct FillFromScalarKernel {
  const T* value;
  T scale;
  T* out;
  TAPENET_HD void operator()(std::int64_t i) const { out[i] = scale * value[0]; }
};

}  // namespace tapenet::kernels

namespace tapenet {

// The adjoint of broadcasting: the gradient of a broadcast operand is the output gradient
// summed over every position that read the same operand element.
template <Backend B, class T>
Tensor<B, T> sum_to(const Tensor<B, T>& x, const Shape& shape) {
  if (x.shape() == shape) return x;
  if (broadcast_shapes(shape, x.shape()) != x.shape())
    fail("sum_to: shape ", shape, " does not broadcast to ", x.shape());
  if (shape.numel() == 1) return Tensor<B, T>::full(shape, B::sum(x.data(), x.numel()));
  auto out = Tensor<B, T>::empty(shape);
  kernels::SumToKernel<T> kernel{x.data(), out.data(), x.dim(), {}, {}, {}, 1};
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

template <Backend B, class T>
Tensor<B, T> expand_scalar(const Tensor<B, T>& scalar, const Shape& shape, T scale) {
  auto out = Tensor<B, T>::empty(shape);
  B::for_each(out.numel(), kernels::FillFromScalarKernel<T>{scalar.data(), scale, out.data()});
  return out;
}

}  // namespace tapenet
