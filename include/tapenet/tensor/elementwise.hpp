#pragma once
// Element-by-element kernels: out[i] = op(x[i]) and out[i] = op(a[i], b[i]) with broadcasting.
#include <math.h>

#include <cstdint>

#include "tapenet/core/tensor.hpp"

namespace tapenet::kernels {

// exp, log, sqrt and max for float and double that compile for the host and for the GPU alike.
TAPENET_HD inline float device_exp(float x) { return expf(x); }
TAPENET_HD inline double device_exp(double x) { return ::exp(x); }
TAPENET_HD inline float device_log(float x) { return logf(x); }
TAPENET_HD inline double device_log(double x) { return ::log(x); }
TAPENET_HD inline float device_sqrt(float x) { return sqrtf(x); }
TAPENET_HD inline double device_sqrt(double x) { return ::sqrt(x); }
TAPENET_HD inline float device_max(float a, float b) { return fmaxf(a, b); }
TAPENET_HD inline double device_max(double a, double b) { return ::fmax(a, b); }

struct Add {
  template <class T>
  TAPENET_HD T operator()(T a, T b) const {
    return a + b;
  }
};
struct Sub {
  template <class T>
  TAPENET_HD T operator()(T a, T b) const {
    return a - b;
  }
};
struct Mul {
  template <class T>
  TAPENET_HD T operator()(T a, T b) const {
    return a * b;
  }
};
struct Div {
  template <class T>
  TAPENET_HD T operator()(T a, T b) const {
    return a / b;
  }
};
// 1 where a equals b, else 0, in the operands' own type (PyTorch's == gives bools).
struct Equal {
  template <class T>
  TAPENET_HD T operator()(T a, T b) const {
    return a == b ? T(1) : T(0);
  }
};
struct Exp {
  template <class T>
  TAPENET_HD T operator()(T x) const {
    return device_exp(x);
  }
};
struct Log {
  template <class T>
  TAPENET_HD T operator()(T x) const {
    return device_log(x);
  }
};
struct Sqrt {
  template <class T>
  TAPENET_HD T operator()(T x) const {
    return device_sqrt(x);
  }
};
// A binary operation with one operand fixed: x + 2 is map(x, WithScalar{Add, 2, right}).
template <class Op, class T>
struct WithScalar {
  Op op;
  T scalar;
  bool scalar_on_right;
  TAPENET_HD T operator()(T x) const { return scalar_on_right ? op(x, scalar) : op(scalar, x); }
};
struct Relu {
  template <class T>
  TAPENET_HD T operator()(T x) const {
    return x > T(0) ? x : T(0);
  }
};
// The gradient flows through a ReLU only where its input was positive.
struct ReluBackward {
  template <class T>
  TAPENET_HD T operator()(T grad, T x) const {
    return x > T(0) ? grad : T(0);
  }
};
struct Negate {
  template <class T>
  TAPENET_HD T operator()(T x) const {
    return -x;
  }
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
      strides[d] =
          d < shift || operand[d - shift] == 1 ? 0 : own[static_cast<std::size_t>(d - shift)];
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

// Which elements dropout keeps, without storing a mask: element i of forward pass number `call`
// survives when a hash of (seed, call, i) lands at or above p. Every backend computes the same
// mask from the same three numbers, nothing is uploaded, and the backward pass recomputes it.
struct DropoutMask {
  std::uint64_t seed = 0, call = 0;
  double p = 0.5;

  // SplitMix64's finaliser: nearby inputs give unrelated outputs.
  TAPENET_HD static std::uint64_t mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  TAPENET_HD bool keeps(std::int64_t i) const {
    std::uint64_t hash = mix(seed ^ mix(call ^ mix(static_cast<std::uint64_t>(i))));
    return static_cast<double>(hash >> 11) * (1.0 / 9007199254740992.0) >= p;  // uniform [0, 1)
  }
};

// The kept elements scaled by 1 / (1 - p), so each element's expected value stays what it was.
template <class T>
struct DropoutKernel {
  const T* in;
  T* out;
  DropoutMask mask;
  T scale;
  TAPENET_HD void operator()(std::int64_t i) const {
    out[i] = mask.keeps(i) ? in[i] * scale : T(0);
  }
};

template <Backend B, class T>
Tensor<B, T> dropout(const Tensor<B, T>& x, DropoutMask mask) {
  auto out = Tensor<B, T>::empty(x.shape());
  T scale = mask.p < 1 ? static_cast<T>(1 / (1 - mask.p)) : T(0);
  B::for_each(x.numel(), DropoutKernel<T>{x.data(), out.data(), mask, scale});
  return out;
}

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
  B::for_each(out.numel(),
              ZipBroadcastKernel<T, Op>{a.data(), b.data(), out.data(),
                                        BroadcastIndex(shape, a.shape(), b.shape()), op});
  return out;
}

}  // namespace tapenet::kernels
