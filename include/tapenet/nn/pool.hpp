#pragma once
#include "tapenet/nn/activation.hpp"
#include "tapenet/ops/pool.hpp"

namespace tapenet::nn {

// nn.MaxPool2d(kernel_size, stride = kernel_size, padding = 0).
template <Backend B, class T = float>
struct MaxPool2d : Stateless<B, T> {
  static constexpr const char* type_name = "MaxPool2d";
  Size2 kernel_size;
  MaxPool2dOptions options;
  explicit MaxPool2d(Size2 kernel, MaxPool2dOptions pool_options = {})
      : kernel_size(kernel), options(pool_options) {}
  template <Backend From>
  explicit MaxPool2d(const MaxPool2d<From, T>& other)  // nn::to
      : Stateless<B, T>(other), kernel_size(other.kernel_size), options(other.options) {}
  Var<B, T> operator()(const Var<B, T>& x) {
    return reported(this, x, max_pool2d(x, kernel_size, options));
  }
  TAPENET_MODULE_METHODS
};

// nn.AdaptiveAvgPool2d(output_size): averages over windows that tile the input, whatever its size.
template <Backend B, class T = float>
struct AdaptiveAvgPool2d : Stateless<B, T> {
  static constexpr const char* type_name = "AdaptiveAvgPool2d";
  Size2 output_size;
  explicit AdaptiveAvgPool2d(Size2 size) : output_size(size) {}
  template <Backend From>
  explicit AdaptiveAvgPool2d(const AdaptiveAvgPool2d<From, T>& other)  // nn::to
      : Stateless<B, T>(other), output_size(other.output_size) {}
  Var<B, T> operator()(const Var<B, T>& x) {
    return reported(this, x, adaptive_avg_pool2d(x, output_size));
  }
  TAPENET_MODULE_METHODS
};

}  // namespace tapenet::nn
