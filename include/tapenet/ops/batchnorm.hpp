#pragma once
#include <cstdint>

#include "tapenet/autograd/var.hpp"
#include "tapenet/tensor/batchnorm.hpp"

namespace tapenet {

// nn::BatchNorm2dOptions embeds these; the mode is batch_norm's `training` argument (the layer's
// train() and eval()).
struct BatchNormOptions {
  double eps = 1e-5;
  double momentum = 0.1;
};

// Batch normalisation of x [N, C, H, W] (or [N, C]) per channel, like F.batch_norm.
// Training normalises with the batch's statistics and, when running_mean and running_var are
// defined, moves them towards the batch's (they are updated in place). Evaluation normalises with
// the running statistics. weight and bias may be undefined (affine=False).
template <Backend B, class T>
Var<B, T> batch_norm(const Var<B, T>& x, const Var<B, T>& weight, const Var<B, T>& bias,
                     Tensor<B, T> running_mean, Tensor<B, T> running_var, bool training = true,
                     BatchNormOptions options = {}) {
  const Shape& shape = x.shape();
  if (shape.rank() < 2) fail("batch_norm: expects input [N, C, ...], got ", shape);
  std::int64_t plane = 1;
  for (int d = 2; d < shape.rank(); ++d) plane *= shape[d];
  kernels::BatchNormGeometry g{shape[0], shape[1], plane};
  Shape channel_shape{g.channels};
  for (const Var<B, T>* p : {&weight, &bias})
    if (p->defined() && p->shape() != channel_shape)
      fail("batch_norm: weight and bias must have shape ", channel_shape, ", got ", p->shape());
  for (const Tensor<B, T>* t : {&running_mean, &running_var})
    if (t->defined() && t->shape() != channel_shape)
      fail("batch_norm: running statistics must have shape ", channel_shape, ", got ", t->shape());
  if (!training && !(running_mean.defined() && running_var.defined()))
    fail("batch_norm: evaluation mode needs the running statistics");
  if (training && g.per_channel() < 2)
    fail("batch_norm: expected more than 1 value per channel when training, got input of shape ",
         shape);

  auto mean = Tensor<B, T>::empty(channel_shape);
  auto inverse_std = Tensor<B, T>::empty(channel_shape);
  if (training) {
    bool track = running_mean.defined() && running_var.defined();
    B::for_each(g.channels,
                kernels::BatchStatisticsKernel<T>{x.value().data(), mean.data(), inverse_std.data(),
                                                  track ? running_mean.data() : nullptr,
                                                  track ? running_var.data() : nullptr, g,
                                                  options.eps, options.momentum},
                g.per_channel());
  } else {
    B::for_each(g.channels,
                kernels::RunningStatisticsKernel<T>{running_mean.data(), running_var.data(),
                                                    mean.data(), inverse_std.data(), options.eps});
  }
  auto y = Tensor<B, T>::empty(shape);
  const T* weight_data = weight.defined() ? weight.value().data() : nullptr;
  B::for_each(g.batch * g.channels,
              kernels::BatchNormApplyKernel<T>{
                  x.value().data(), mean.data(), inverse_std.data(), weight_data,
                  bias.defined() ? bias.value().data() : nullptr, y.data(), g},
              g.plane);

  auto backward = [x, weight, bias, mean, inverse_std, g, training](const Tensor<B, T>& grad) {
    auto sum_grad = Tensor<B, T>::empty(mean.shape());
    auto sum_grad_x_hat = Tensor<B, T>::empty(mean.shape());
    B::for_each(g.channels,
                kernels::BatchNormGradSumsKernel<T>{x.value().data(), grad.data(), mean.data(),
                                                    inverse_std.data(), sum_grad.data(),
                                                    sum_grad_x_hat.data(), g},
                g.per_channel());
    if (x.requires_grad()) {
      auto grad_x = Tensor<B, T>::empty(x.shape());
      B::for_each(g.batch * g.channels,
                  kernels::BatchNormInputGradKernel<T>{
                      x.value().data(), grad.data(), mean.data(), inverse_std.data(),
                      weight.defined() ? weight.value().data() : nullptr, sum_grad.data(),
                      sum_grad_x_hat.data(), grad_x.data(), g, training},
                  g.plane);
      x.accumulate_grad(grad_x);
    }
    if (weight.requires_grad()) weight.accumulate_grad(sum_grad_x_hat);
    if (bias.requires_grad()) bias.accumulate_grad(sum_grad);
  };
  return Var<B, T>::record("batch_norm", y, {x, weight, bias}, backward);
}

}  // namespace tapenet
