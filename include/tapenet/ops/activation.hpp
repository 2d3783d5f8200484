#pragma once
#include "tapenet/autograd/var.hpp"

namespace tapenet {

// max(x, 0), element by element.
template <Backend B, class T>
Var<B, T> relu(const Var<B, T>& x) {
  auto backward = [x](const Tensor<B, T>& grad) {
    x.accumulate_grad(kernels::zip(grad, x.value(), kernels::ReluBackward{}));
  };
  return Var<B, T>::record("relu", kernels::map(x.value(), kernels::Relu{}), {x}, backward);
}

// Zeroes each element with probability p and scales the others by 1 / (1 - p). The output is
// x * m / (1 - p) for a mask m of 0s and 1s, so the gradient is grad * m / (1 - p): the same
// function, with the same mask, applied to the gradient.
template <Backend B, class T>
Var<B, T> dropout(const Var<B, T>& x, kernels::DropoutMask mask) {
  auto backward = [x, mask](const Tensor<B, T>& grad) {
    x.accumulate_grad(kernels::dropout(grad, mask));
  };
  return Var<B, T>::record("dropout", kernels::dropout(x.value(), mask), {x}, backward);
}

}  // namespace tapenet
