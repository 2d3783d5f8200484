#pragma once
#include "tapenet/autograd/var.hpp"
#include "tapenet/tensor/matmul.hpp"

namespace tapenet {

// The matrix product of a [M, K] and b [K, N], giving [M, N].
template <Backend B, class T>
Var<B, T> matmul(const Var<B, T>& a, const Var<B, T>& b) {
  if (a.shape().rank() != 2 || b.shape().rank() != 2)
    fail("matmul: expects two matrices (2-D), got shapes ", a.shape(), " and ", b.shape());
  if (a.shape()[1] != b.shape()[0])
    fail("matmul: shapes ", a.shape(), " and ", b.shape(), " cannot be multiplied (",
         count(a.shape()[1], "column"), " vs ", count(b.shape()[0], "row"), ")");
  auto backward = [a, b](const Tensor<B, T>& grad) {
    // C = A B gives dA = dC B^T and dB = A^T dC: two more GEMMs
    if (a.requires_grad()) a.accumulate_grad(kernels::matmul(grad, b.value(), false, true));
    if (b.requires_grad()) b.accumulate_grad(kernels::matmul(a.value(), grad, true, false));
  };
  return Var<B, T>::record("matmul", kernels::matmul(a.value(), b.value()), {a, b}, backward);
}

}  // namespace tapenet
