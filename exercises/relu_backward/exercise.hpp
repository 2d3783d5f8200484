#pragma once
// Exercise relu_backward: ReLU's backward pass, inside tapenet's own autograd.
// Chapter 2 (docs/02-autograd-the-tape.md) teaches what to write here.
// Grade it with:  exercises/grade.sh relu_backward
//
// relu(x) = max(x, 0), element by element. An op in tapenet computes its output and records, on
// the tape, a closure that receives grad = dL/dy (the gradient of the loss with respect to the
// output, same shape as x) and adds dL/dx into x's gradient. By the chain rule, element by
// element:
//
//     dL/dx_i = dL/dy_i * dy_i/dx_i,   dy_i/dx_i = 1 where x_i > 0, 0 where x_i < 0.
//
// At x_i = 0 relu has no derivative; PyTorch takes 0 there, and so must you.
// include/tapenet/ops/ shows how other ops write their closures.
#include "support/not_written.hpp"
#include "tapenet/autograd.hpp"

namespace exercise {

// One element of dL/dx from one element of dL/dy and one of x. tapenet::kernels::zip(a, b, rule)
// makes the tensor rule(a[i], b[i]) for every i, on any backend (TAPENET_HD lets the same code
// run on a GPU). Using tapenet::kernels::ReluBackward instead would be giving away the answer.
struct ReluGradient {
  template <class T>
  TAPENET_HD T operator()(T grad, T x) const {
    // TODO 1: return the gradient of this element.
    (void)grad, (void)x;
    return T(0);
  }
};

template <tapenet::Backend B, class T>
tapenet::Var<B, T> relu(const tapenet::Var<B, T>& x) {
  auto backward = [x](const tapenet::Tensor<B, T>& /*grad*/) {
    // TODO 2: add dL/dx into x's gradient: x.accumulate_grad(a tensor shaped like x).
    // Make that tensor from grad and x.value() with tapenet::kernels::zip and ReluGradient.
    not_written_yet("relu_backward", "relu's backward closure");
  };
  auto y = tapenet::kernels::map(x.value(), tapenet::kernels::Relu{});
  return tapenet::Var<B, T>::record("relu", y, {x}, backward);
}

}  // namespace exercise
