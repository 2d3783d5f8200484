#pragma once
#include <cstdint>

#include "tapenet/core/tensor.hpp"

namespace tapenet::kernels {

// C = op(A) * op(B) for 2-D tensors, op being identity or transpose.
template <Backend B, class T>
Tensor<B, T> matmul(const Tensor<B, T>& a, const Tensor<B, T>& b, bool transpose_a = false,
                    bool transpose_b = false) {
  std::int64_t m = transpose_a ? a.size(1) : a.size(0), k = transpose_a ? a.size(0) : a.size(1);
  std::int64_t n = transpose_b ? b.size(0) : b.size(1);
  if (k == 0) return Tensor<B, T>::zeros({m, n});
  auto c = Tensor<B, T>::empty({m, n});
  B::gemm(transpose_a, transpose_b, m, n, k, T(1), a.data(), b.data(), T(0), c.data());
  return c;
}

}  // namespace tapenet::kernels
