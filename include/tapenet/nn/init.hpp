#pragma once
// Initialisation: the starting values of weights, as torch.nn.init draws them. Each function fills
// a parameter in place, from the default generator unless given one.
#include <cmath>
#include <cstdint>

#include "tapenet/autograd/var.hpp"

namespace tapenet::nn::init {

// fan_in = inputs per output unit (in_channels * KH * KW), fan_out = outputs per input unit.
struct Fans {
  std::int64_t in, out;
};
inline Fans fans(const Shape& weight) {
  if (weight.rank() < 2)
    fail("init: fan in and fan out need a weight of 2 or more dimensions, got ", weight);
  std::int64_t receptive_field = 1;
  for (int d = 2; d < weight.rank(); ++d) receptive_field *= weight[d];
  return {weight[1] * receptive_field, weight[0] * receptive_field};
}

template <Backend B, class T>
void uniform_(const Var<B, T>& p, double low, double high,
              Generator& generator = default_generator()) {
  p.data() = Tensor<B, T>::uniform(p.shape(), T(low), T(high), generator);
}

template <Backend B, class T>
void normal_(const Var<B, T>& p, double mean, double std,
             Generator& generator = default_generator()) {
  std::vector<T> values(static_cast<std::size_t>(p.shape().numel()));
  for (auto& v : values) v = T(mean + std * generator.normal());
  p.data() = Tensor<B, T>::from(p.shape(), values);
}

template <Backend B, class T>
void constant_(const Var<B, T>& p, double value) {
  p.data() = Tensor<B, T>::full(p.shape(), T(value));
}

enum class FanMode { fan_in, fan_out };

// He et al.'s initialisation for layers followed by a ReLU: N(0, std^2) with
// std = sqrt(2 / fan), which keeps the activations' variance from shrinking or growing layer
// after layer. torchvision's ResNet uses fan_out.
template <Backend B, class T>
void kaiming_normal_(const Var<B, T>& p, FanMode mode = FanMode::fan_in,
                     Generator& generator = default_generator()) {
  Fans f = fans(p.shape());
  double fan = double(mode == FanMode::fan_in ? f.in : f.out);
  normal_(p, 0.0, std::sqrt(2.0 / fan), generator);
}

// What nn.Linear and nn.Conv2d start from: kaiming_uniform_ with a = sqrt(5), which works out as
// U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the weight, and the same bound for the bias.
template <Backend B, class T>
void default_layer_init_(const Var<B, T>& weight, const Var<B, T>& bias,
                         Generator& generator = default_generator()) {
  double bound = 1.0 / std::sqrt(double(fans(weight.shape()).in));
  uniform_(weight, -bound, bound, generator);
  if (bias.defined()) uniform_(bias, -bound, bound, generator);
}

}  // namespace tapenet::nn::init
