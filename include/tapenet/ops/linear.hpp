#pragma once
#include "tapenet/autograd/var.hpp"
#include "tapenet/tensor/maths.hpp"
#include "tapenet/tensor/matmul.hpp"

namespace tapenet {

// y = x weight^T + bias, like F.linear: x [N, in], weight [out, in], bias [out] or undefined.
template <Backend B, class T>
Var<B, T> linear(const Var<B, T>& x, const Var<B, T>& weight, const Var<B, T>& bias) {
  const Shape &xs = x.shape(), &ws = weight.shape();
  if (xs.rank() != 2 || ws.rank() != 2 || xs[1] != ws[1])
    fail("linear: input ", xs, " and weight ", ws,
         " do not fit: expected input [N, in] and weight [out, in]");
  if (bias.defined() && bias.shape() != Shape{ws[0]})
    fail("linear: bias has shape ", bias.shape(), ", expected [", ws[0], "]");
  auto y = kernels::matmul(x.value(), weight.value(), false, true);
  if (bias.defined()) y = y + bias.value();
  auto backward = [x, weight, bias](const Tensor<B, T>& grad) {
    if (x.requires_grad()) x.accumulate_grad(kernels::matmul(grad, weight.value()));
    if (weight.requires_grad())
      weight.accumulate_grad(kernels::matmul(grad, x.value(), true, false));
    if (bias.requires_grad()) bias.accumulate_grad(sum_to(grad, bias.shape()));
  };
  return Var<B, T>::record("linear", y, {x, weight, bias}, backward);
}

}  // namespace tapenet
