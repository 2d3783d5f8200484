#pragma once
// a + b, a - b, a * b with broadcasting: x[N, F] + bias[F] adds the bias to every row. Each
// backward sums the gradient back to its operand's shape (sum_to): a broadcast operand was read
// once per position it was stretched over, so it collects the gradient of every one of them.
#include "tapenet/autograd/var.hpp"
#include "tapenet/tensor/maths.hpp"

namespace tapenet {

template <Backend B, class T>
Var<B, T> add(const Var<B, T>& a, const Var<B, T>& b) {
  auto backward = [a, b](const Tensor<B, T>& grad) {
    // d(a+b)/da = 1, d(a+b)/db = 1
    if (a.requires_grad()) a.accumulate_grad(sum_to(grad, a.shape()));
    if (b.requires_grad()) b.accumulate_grad(sum_to(grad, b.shape()));
  };
  return Var<B, T>::record("add", a.value() + b.value(), {a, b}, backward);
}

template <Backend B, class T>
Var<B, T> sub(const Var<B, T>& a, const Var<B, T>& b) {
  auto backward = [a, b](const Tensor<B, T>& grad) {
    // d(a-b)/da = 1, d(a-b)/db = -1
    if (a.requires_grad()) a.accumulate_grad(sum_to(grad, a.shape()));
    if (b.requires_grad()) b.accumulate_grad(sum_to(-grad, b.shape()));
  };
  return Var<B, T>::record("sub", a.value() - b.value(), {a, b}, backward);
}

template <Backend B, class T>
Var<B, T> mul(const Var<B, T>& a, const Var<B, T>& b) {
  auto backward = [a, b](const Tensor<B, T>& grad) {
    // d(a*b)/da = b, d(a*b)/db = a: the product rule, one factor at a time
    if (a.requires_grad()) a.accumulate_grad(sum_to(grad * b.value(), a.shape()));
    if (b.requires_grad()) b.accumulate_grad(sum_to(grad * a.value(), b.shape()));
  };
  return Var<B, T>::record("mul", a.value() * b.value(), {a, b}, backward);
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
