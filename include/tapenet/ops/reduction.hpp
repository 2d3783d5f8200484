#pragma once
#include "tapenet/autograd/var.hpp"
#include "tapenet/tensor/maths.hpp"

namespace tapenet {

// The sum of all elements, as a scalar (shape []).
template <Backend B, class T>
Var<B, T> sum(const Var<B, T>& x) {
  auto backward = [x](const Tensor<B, T>& grad) {
    // every element contributed with weight 1
    x.accumulate_grad(expand_scalar(grad, x.shape(), T(1)));
  };
  return Var<B, T>::record("sum", x.value().sum(), {x}, backward);
}

// The mean of all elements, as a scalar.
template <Backend B, class T>
Var<B, T> mean(const Var<B, T>& x) {
  Tensor<B, T> value = x.value().mean();  // checks that x is not empty
  std::int64_t count = x.value().numel();
  auto backward = [x, count](const Tensor<B, T>& grad) {
    x.accumulate_grad(expand_scalar(grad, x.shape(), T(1) / T(count)));
  };
  return Var<B, T>::record("mean", value, {x}, backward);
}

}  // namespace tapenet
