#pragma once
#include <vector>

#include "tapenet/autograd/var.hpp"

namespace tapenet {

// The same elements seen with another shape; one size may be -1. No data moves, and the
// gradient only needs reshaping back.
template <Backend B, class T>
Var<B, T> reshape(const Var<B, T>& x, std::vector<std::int64_t> dims) {
  auto backward = [x](const Tensor<B, T>& grad) {
    x.accumulate_grad(grad.reshape(x.shape().dims()));
  };
  return Var<B, T>::record("reshape", x.value().reshape(std::move(dims)), {x}, backward);
}

// Merges dimensions start_dim..end_dim into one, like torch.flatten; the default keeps the batch
// dimension: [N, C, H, W] becomes [N, C*H*W].
template <Backend B, class T>
Var<B, T> flatten(const Var<B, T>& x, int start_dim = 1, int end_dim = -1) {
  const Shape& shape = x.shape();
  int rank = shape.rank();
  int first = start_dim < 0 ? start_dim + rank : start_dim;
  int last = end_dim < 0 ? end_dim + rank : end_dim;
  if (rank == 0) return reshape(x, {1});
  if (first < 0 || last >= rank || first > last)
    fail("flatten: dimensions ", start_dim, "..", end_dim, " are not valid for shape ", shape);
  std::vector<std::int64_t> dims;
  for (int d = 0; d < first; ++d) dims.push_back(shape[d]);
  std::int64_t merged = 1;
  for (int d = first; d <= last; ++d) merged *= shape[d];
  dims.push_back(merged);
  for (int d = last + 1; d < rank; ++d) dims.push_back(shape[d]);
  return reshape(x, std::move(dims));
}

}  // namespace tapenet
