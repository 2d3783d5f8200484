#pragma once
// a + b, a - b, a * b with broadcasting: x[N, F] + bias[F] adds the bias to every row.
#include "tapenet/autograd/var.hpp"
#include "tapenet/backend/kernels/reduce.hpp"

namespace tapenet {

template <Backend B, class T>
Var<B, T> add(const Var<B, T>& a, const Var<B, T>& b) {
  auto backward = [a, b](const Tensor<B, T>& grad) {
    // d(a+b)/da = 1: a receives the gradient, summed where a was broadcast
    if (a.requires_grad()) a.accumulate_grad(kernels::sum_to(grad, a.shape()));
    if (b.requires_grad()) b.accumulate_grad(kernels::sum_to(grad, b.shape()));
  };
  return Var<B, T>::record("add", kernels::zip(a.value(), b.value(), kernels::Add{}), {a, b},
                           backward);
}

template <Backend B, class T>
Var<B, T> sub(const Var<B, T>& a, const Var<B, T>& b) {
  auto backward = [a, b](const Tensor<B, T>& grad) {
    if (a.requires_grad()) a.accumulate_grad(kernels::sum_to(grad, a.shape()));
    if (b.requires_grad())
      b.accumulate_grad(kernels::sum_to(kernels::map(grad, kernels::Negate{}), b.shape()));
  };
  return Var<B, T>::record("sub", kernels::zip(a.value(), b.value(), kernels::Sub{}), {a, b},
                           backward);
}

template <Backend B, class T>
Var<B, T> mul(const Var<B, T>& a, const Var<B, T>& b) {
  auto backward = [a, b](const Tensor<B, T>& grad) {
    // d(a*b)/da = b: the product rule, one factor at a time
    if (a.requires_grad())
      a.accumulate_grad(kernels::sum_to(kernels::zip(grad, b.value(), kernels::Mul{}), a.shape()));
    if (b.requires_grad())
      b.accumulate_grad(kernels::sum_to(kernels::zip(grad, a.value(), kernels::Mul{}), b.shape()));
  };
  return Var<B, T>::record("mul", kernels::zip(a.value(), b.value(), kernels::Mul{}), {a, b},
                           backward);
}

template <Backend B, class T>
Var<B, T> operator+(const Var<B, T>& a, const Var<B, T>& b) {
  return add(a, b);
}
template <Backend B, class T>
Var<B, T> operator-(const Var<B, T>& a, const Var<B, T>& b) {
  return sub(a, b);
}
template <Backend B, class T>
Var<B, T> operator*(const Var<B, T>& a, const Var<B, T>& b) {
  return mul(a, b);
}

}  // namespace tapenet
