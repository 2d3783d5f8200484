#pragma once
// Maths on whole tensors, written as in PyTorch: a + b, x * 2, exp(x), sum(x, 1),
// (argmax(logits, 1) == labels).sum(). Nothing here is recorded for backward: this is what the
// autograd ops, the optimiser and the examples compute with, on any backend.
#include <cstdint>
#include <type_traits>
#include <vector>

#include "tapenet/tensor/elementwise.hpp"
#include "tapenet/tensor/reduce.hpp"
#include "tapenet/tensor/softmax.hpp"

namespace tapenet {

// Each operator comes in three forms: tensor ⊕ tensor, broadcasting as NumPy does (x[N, F] +
// bias[F] adds the bias to every row), and tensor ⊕ number either way round (x * 2, 1 - x), the
// number taking the tensor's element type.
#define TAPENET_TENSOR_OPERATOR(op, Kernel)                                        \
  template <Backend B, class T>                                                    \
  Tensor<B, T> operator op(const Tensor<B, T>& a, const Tensor<B, T>& b) {         \
    return kernels::zip(a, b, kernels::Kernel{});                                  \
  }                                                                                \
  template <Backend B, class T>                                                    \
  Tensor<B, T> operator op(const Tensor<B, T>& a, std::type_identity_t<T> b) {     \
    return kernels::map(a, kernels::WithScalar<kernels::Kernel, T>{{}, b, true});  \
  }                                                                                \
  template <Backend B, class T>                                                    \
  Tensor<B, T> operator op(std::type_identity_t<T> a, const Tensor<B, T>& b) {     \
    return kernels::map(b, kernels::WithScalar<kernels::Kernel, T>{{}, a, false}); \
  }

TAPENET_TENSOR_OPERATOR(+, Add)
TAPENET_TENSOR_OPERATOR(-, Sub)
TAPENET_TENSOR_OPERATOR(*, Mul)
TAPENET_TENSOR_OPERATOR(/, Div)
// 1 where the elements are equal, 0 elsewhere, in the operands' type: (a == b).sum() counts.
TAPENET_TENSOR_OPERATOR(==, Equal)
#undef TAPENET_TENSOR_OPERATOR

template <Backend B, class T>
Tensor<B, T> operator-(const Tensor<B, T>& x) {
  return kernels::map(x, kernels::Negate{});
}
template <Backend B, class T>
Tensor<B, T> exp(const Tensor<B, T>& x) {
  return kernels::map(x, kernels::Exp{});
}
template <Backend B, class T>
Tensor<B, T> log(const Tensor<B, T>& x) {
  return kernels::map(x, kernels::Log{});
}
template <Backend B, class T>
Tensor<B, T> sqrt(const Tensor<B, T>& x) {
  return kernels::map(x, kernels::Sqrt{});
}

namespace detail {
// A dimension as the user gave it, checked; negative counts from the end (-1 is the last).
inline int checked_dim(const char* op, const Shape& shape, int dim) {
  int rank = shape.rank();
  if (dim < -rank || dim >= rank)
    fail(op, ": dimension ", dim, " is out of range for shape ", shape, " (expected ", -rank,
         " to ", rank - 1, ")");
  return dim < 0 ? dim + rank : dim;
}

// The shape after reducing `dim`: gone, or kept with size 1 (keepdim, as in PyTorch).
inline Shape reduced_shape(const Shape& shape, int dim, bool keepdim) {
  std::vector<std::int64_t> dims;
  for (int d = 0; d < shape.rank(); ++d)
    if (d != dim)
      dims.push_back(shape[d]);
    else if (keepdim)
      dims.push_back(1);
  return Shape(dims);
}

// Runs a line-reduction kernel over dimension `dim` of x into a new tensor of element type Out.
template <class Out, template <class> class Kernel, Backend B, class T>
Tensor<B, Out> reduce_lines(const char* op, const Tensor<B, T>& x, int dim, bool keepdim,
                            bool empty_allowed) {
  dim = checked_dim(op, x.shape(), dim);
  if (!empty_allowed && x.size(dim) == 0)
    fail(op, ": dimension ", dim, " of shape ", x.shape(), " is empty");
  auto out = Tensor<B, Out>::empty(reduced_shape(x.shape(), dim, keepdim));
  kernels::Lines lines(x.shape(), dim);
  B::for_each(lines.count(), Kernel<T>{x.data(), out.data(), lines}, lines.size);
  return out;
}
}  // namespace detail

// Reductions along one dimension, like x.sum(dim), x.mean(dim), x.max(dim).values, x.argmax(dim).
template <Backend B, class T>
Tensor<B, T> sum(const Tensor<B, T>& x, int dim, bool keepdim = false) {
  return detail::reduce_lines<T, kernels::SumLinesKernel>("sum", x, dim, keepdim, true);
}
template <Backend B, class T>
Tensor<B, T> mean(const Tensor<B, T>& x, int dim, bool keepdim = false) {
  return sum(x, dim, keepdim) / T(x.size(detail::checked_dim("mean", x.shape(), dim)));
}
template <Backend B, class T>
Tensor<B, T> max(const Tensor<B, T>& x, int dim, bool keepdim = false) {
  return detail::reduce_lines<T, kernels::MaxLinesKernel>("max", x, dim, keepdim, false);
}
// The index of each line's largest element: argmax(logits, 1) is each image's predicted class.
template <Backend B, class T>
Tensor<B, std::int64_t> argmax(const Tensor<B, T>& x, int dim, bool keepdim = false) {
  return detail::reduce_lines<std::int64_t, kernels::ArgmaxLinesKernel>("argmax", x, dim, keepdim,
                                                                        false);
}

template <Backend B, class T>
Tensor<B, T> log_softmax(const Tensor<B, T>& x, int dim) {
  return kernels::log_softmax(x, detail::checked_dim("log_softmax", x.shape(), dim));
}
// Probabilities from logits: exp(x) / sum(exp(x)) along dim, computed from log_softmax, which
// subtracts the largest logit first so that exp() cannot overflow.
template <Backend B, class T>
Tensor<B, T> softmax(const Tensor<B, T>& x, int dim) {
  return exp(log_softmax(x, dim));
}

}  // namespace tapenet
