#pragma once
// The tensor kernels the autograd ops are made of, written once for every backend: each is a small
// functor that computes one output element from its index, handed to Backend::for_each.
#include <math.h>
#include <cstdint>

#include "tapenet/core/tensor.hpp"

namespace tapenet::kernels {

// exp, log and max for float and double that compile for the host and for the GPU alike.
TAPENET_HD inline float device_exp(float x) { return expf(x); }
TAPENET_HD inline double device_exp(double x) { return ::exp(x); }
TAPENET_HD inline float device_log(float x) { return logf(x); }
TAPENET_HD inline double device_log(double x) { return ::log(x); }
TAPENET_HD inline float device_max(float a, float b) { return fmaxf(a, b); }
TAPENET_HD inline double device_max(double a, double b) { return ::fmax(a, b); }

struct Add {
  template <class T>
  TAPENET_HD T operator()(T a, T b) const { return a + b; }
};
struct Sub {
  template <class T>
  TAPENET_HD T operator()(T a, T b) const { return a - b; }
};
struct Mul {
  template <class T>
  TAPENET_HD T operator()(T a, T b) const { return a * b; }
};
struct Relu {
  template <class T>
  TAPENET_HD T operator()(T x) const { return x > T(0) ? x : T(0); }
};
// The gradient flows through a ReLU only where its input was positive.
struct ReluBackward {
  template <class T>
  TAPENET_HD T operator()(T grad, T x) const { return x > T(0) ? grad : T(0); }
};
struct Negate {
  template <class T>
  TAPENET_HD T operator()(T x) const { return -x; }
};

// Where, in each operand, the element that meets output element i lives. A dimension an operand
// does not have, or has with size 1, gets stride 0: the same element is read again (broadcasting).
struct BroadcastIndex {
  int rank = 0;
  std::int64_t out_dims[Shape::max_rank] = {};
  std::int64_t a_strides[Shape::max_rank] = {};
  std::int64_t b_strides[Shape::max_rank] = {};

  BroadcastIndex(const Shape& out, const Shape& a, const Shape& b) : rank(out.rank()) {
    fill_strides(out, a, a_strides);
    fill_strides(out, b, b_strides);
    for (int d = 0; d < rank; ++d) out_dims[d] = out[d];
  }

  TAPENET_HD void offsets(std::int64_t i, std::int64_t& a_offset, std::int64_t& b_offset) const {
    a_offset = b_offset = 0;
    for (int d = rank - 1; d >= 0; --d) {
      std::int64_t coordinate = i % out_dims[d];
      i /= out_dims[d];
      a_offset += coordinate * a_strides[d];
      b_offset += coordinate * b_strides[d];
    }
  }

 private:
  void fill_strides(const Shape& out, const Shape& operand, std::int64_t* strides) {
    auto own = operand.strides();
    int shift = out.rank() - operand.rank();
    for (int d = 0; d < out.rank(); ++d)
      strides[d] = d < shift || operand[d - shift] == 1 ? 0 : own[static_cast<std::size_t>(d - shift)];
  }
};

template <class T, class Op>
struct MapKernel {
  const T* in;
  T* out;
  Op op;
  TAPENET_HD void operator()(std::int64_t i) const { out[i] = op(in[i]); }
};

template <class T, class Op>
struct ZipSameShapeKernel {
  const T* a;
  const T* b;
  T* out;
  Op op;
  TAPENET_HD void operator()(std::int64_t i) const { out[i] = op(a[i], b[i]); }
};

template <class T, class Op>
struct ZipBroadcastKernel {
  const T* a;
  const T* b;
  T* out;
  BroadcastIndex index;
  Op op;
  TAPENET_HD void operator()(std::int64_t i) const {
    std::int64_t ia, ib;
    index.offsets(i, ia, ib);
    out[i] = op(a[ia], b[ib]);
  }
};

// out = op(x), element by element.
template <Backend B, class T, class Op>
Tensor<B, T> map(const Tensor<B, T>& x, Op op) {
  auto out = Tensor<B, T>::empty(x.shape());
  B::for_each(x.numel(), MapKernel<T, Op>{x.data(), out.data(), op});
  return out;
}

// out = op(a, b), element by element, broadcasting as NumPy does.
template <Backend B, class T, class Op>
Tensor<B, T> zip(const Tensor<B, T>& a, const Tensor<B, T>& b, Op op) {
  if (a.shape() == b.shape()) {
    auto out = Tensor<B, T>::empty(a.shape());
    B::for_each(out.numel(), ZipSameShapeKernel<T, Op>{a.data(), b.data(), out.data(), op});
    return out;
  }
  Shape shape = broadcast_shapes(a.shape(), b.shape());
  auto out = Tensor<B, T>::empty(shape);
  B::for_each(out.numel(), ZipBroadcastKernel<T, Op>{a.data(), b.data(), out.data(),
                                                     BroadcastIndex(shape, a.shape(), b.shape()), op});
  return out;
}

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
  auto out = Tensor<B, T>::empty(shape);
  if (shape.numel() == 1) return Tensor<B, T>::full(shape, B::sum(x.data(), x.numel()));
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

// C = op(A) * op(B) for 2-D tensors, op being identity or transpose.
template <Backend B, class T>
Tensor<B, T> matmul(const Tensor<B, T>& a, const Tensor<B, T>& b, bool transpose_a = false,
                    bool transpose_b = false) {
  std::int64_t m = transpose_a ? a.size(1) : a.size(0), k = transpose_a ? a.size(0) : a.size(1);
  std::int64_t n = transpose_b ? b.size(0) : b.size(1);
  auto c = Tensor<B, T>::empty({m, n});
  if (k == 0) return Tensor<B, T>::zeros({m, n});
  B::gemm(transpose_a, transpose_b, m, n, k, T(1), a.data(), b.data(), T(0), c.data());
  return c;
}

// A tensor seen as lines along one dimension: `outer` blocks, each of `size` elements `inner`
// apart. log_softmax works on each line independently.
struct Lines {
  std::int64_t outer = 1, size = 1, inner = 1;
  Lines(const Shape& shape, int dim) {
    for (int d = 0; d < shape.rank(); ++d) {
      if (d < dim) outer *= shape[d];
      else if (d == dim) size = shape[d];
      else inner *= shape[d];
    }
  }
  TAPENET_HD std::int64_t count() const { return outer * inner; }
  TAPENET_HD std::int64_t start(std::int64_t line) const {
    return (line / inner) * size * inner + line % inner;
  }
};

// log_softmax(x) = x - max - log(sum(exp(x - max))): subtracting the max first keeps exp() from
// overflowing and changes nothing mathematically.
template <class T>
struct LogSoftmaxKernel {
  const T* in;
  T* out;
  Lines lines;
  TAPENET_HD void operator()(std::int64_t line) const {
    std::int64_t first = lines.start(line), step = lines.inner;
    T largest = in[first];
    for (std::int64_t j = 1; j < lines.size; ++j) largest = device_max(largest, in[first + j * step]);
    T total = 0;
    for (std::int64_t j = 0; j < lines.size; ++j) total += device_exp(in[first + j * step] - largest);
    T shift = largest + device_log(total);
    for (std::int64_t j = 0; j < lines.size; ++j) out[first + j * step] = in[first + j * step] - shift;
  }
};

// d/dx of log_softmax: grad_x = grad_y - softmax(x) * sum(grad_y), softmax(x) = exp(y).
template <class T>
struct LogSoftmaxBackwardKernel {
  const T* y;
  const T* grad_y;
  T* grad_x;
  Lines lines;
  TAPENET_HD void operator()(std::int64_t line) const {
    std::int64_t first = lines.start(line), step = lines.inner;
    T total = 0;
    for (std::int64_t j = 0; j < lines.size; ++j) total += grad_y[first + j * step];
    for (std::int64_t j = 0; j < lines.size; ++j) {
      std::int64_t at = first + j * step;
      grad_x[at] = grad_y[at] - device_exp(y[at]) * total;
    }
  }
};

template <Backend B, class T>
Tensor<B, T> log_softmax(const Tensor<B, T>& x, int dim) {
  auto out = Tensor<B, T>::empty(x.shape());
  Lines lines(x.shape(), dim);
  B::for_each(lines.count(), LogSoftmaxKernel<T>{x.data(), out.data(), lines});
  return out;
}

template <Backend B, class T>
Tensor<B, T> log_softmax_backward(const Tensor<B, T>& y, const Tensor<B, T>& grad_y, int dim) {
  auto grad_x = Tensor<B, T>::empty(y.shape());
  Lines lines(y.shape(), dim);
  B::for_each(lines.count(), LogSoftmaxBackwardKernel<T>{y.data(), grad_y.data(), grad_x.data(), lines});
  return grad_x;
}

// For each sample i: -log_probs[i, target[i]], or 0 where target[i] is ignore_index.
template <class T>
struct NllPickKernel {
  const T* log_probs;
  const std::int64_t* target;
  T* picked;
  std::int64_t classes, ignore_index;
  TAPENET_HD void operator()(std::int64_t i) const {
    std::int64_t t = target[i];
    picked[i] = t == ignore_index ? T(0) : -log_probs[i * classes + t];
  }
};

// The gradient of the mean negative log-likelihood: -grad / count at each sample's target class.
template <class T>
struct NllBackwardKernel {
  const T* grad_loss;
  const std::int64_t* target;
  T* grad_log_probs;
  std::int64_t classes, ignore_index;
  T inverse_count;
  TAPENET_HD void operator()(std::int64_t i) const {
    std::int64_t t = target[i];
    if (t != ignore_index) grad_log_probs[i * classes + t] = -grad_loss[0] * inverse_count;
  }
};

}  // namespace tapenet::kernels
