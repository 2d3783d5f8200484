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

}  // namespace tapenet
