#pragma once
#include "tapenet/nn/init.hpp"
#include "tapenet/nn/module.hpp"
#include "tapenet/ops/conv.hpp"

namespace tapenet::nn {

// The layer's options are conv2d's (stride, padding, dilation, ...), passed to it whole, and
// whether the layer has a bias.
struct Conv2dOptions {
  ConvOptions conv = {};
  bool bias = true;
};

// A 2-D convolution layer, like nn.Conv2d(in, out, kernel_size, stride, padding, dilation, bias):
//   nn::Conv2d<cpu> conv(3, 64, 7, {.conv = {.stride = 2, .padding = 3}, .bias = false});
template <Backend B, class T = float>
class Conv2d {
 public:
  using backend_type = B;
  using value_type = T;
  static constexpr const char* type_name = "Conv2d";

  Var<B, T> weight, bias;
  Conv2dOptions options;
  bool training = true;

  Conv2d(std::int64_t in_channels, std::int64_t out_channels, Size2 kernel_size,
         Conv2dOptions conv_options = {})
      : options(conv_options) {
    if (in_channels < 1 || out_channels < 1 || kernel_size.h < 1 || kernel_size.w < 1)
      fail("Conv2d: in_channels ", in_channels, ", out_channels ", out_channels,
           " and kernel_size ", kernel_size.h, "x", kernel_size.w, " must be positive");
    weight =
        parameter(Tensor<B, T>::empty({out_channels, in_channels, kernel_size.h, kernel_size.w}));
    if (options.bias) bias = parameter(Tensor<B, T>::empty({out_channels}));
    init::default_layer_init_(weight, bias);
  }

  template <Backend From>
  explicit Conv2d(const Conv2d<From, T>& other)  // nn::to
      : weight(to_backend<B>(other.weight)),
        bias(to_backend<B>(other.bias)),
        options(other.options),
        training(other.training) {}

  std::int64_t in_channels() const { return weight.shape()[1]; }
  std::int64_t out_channels() const { return weight.shape()[0]; }
  Size2 kernel_size() const { return {weight.shape()[2], weight.shape()[3]}; }

  Var<B, T> operator()(const Var<B, T>& x) {
    return reported(this, x, conv2d(x, weight, bias, options.conv));
  }

  template <class Visitor>
  void visit(const std::string& prefix, Visitor&& visitor) {
    visit_weight_and_bias(prefix, visitor, weight, bias);
  }
  TAPENET_MODULE_METHODS

  std::int64_t flops(const Shape&, const Shape& output) const {
    return 2 * output.numel() * weight.shape().numel() / out_channels();
  }
};

}  // namespace tapenet::nn
