#pragma once
#include "tapenet/nn/init.hpp"
#include "tapenet/nn/module.hpp"
#include "tapenet/ops/linear.hpp"

namespace tapenet::nn {

// y = x W^T + b, like nn.Linear(in_features, out_features, bias).
template <Backend B, class T = float>
class Linear {
 public:
  using backend_type = B;
  using value_type = T;
  static constexpr const char* type_name = "Linear";

  Var<B, T> weight, bias;
  bool training = true;

  Linear(std::int64_t in_features, std::int64_t out_features, bool with_bias = true)
      : weight(parameter(Tensor<B, T>::empty({out_features, in_features}))) {
    if (in_features < 1 || out_features < 1)
      fail("Linear: in_features ", in_features, " and out_features ", out_features,
           " must be positive");
    if (with_bias) bias = parameter(Tensor<B, T>::empty({out_features}));
    init::default_layer_init_(weight, bias);
  }

  template <Backend From>
  explicit Linear(const Linear<From, T>& other)  // nn::to
      : weight(to_backend<B>(other.weight)),
        bias(to_backend<B>(other.bias)),
        training(other.training) {}

  std::int64_t in_features() const { return weight.shape()[1]; }
  std::int64_t out_features() const { return weight.shape()[0]; }

  Var<B, T> operator()(const Var<B, T>& x) { return reported(this, x, linear(x, weight, bias)); }

  template <class Visitor>
  void visit(const std::string& prefix, Visitor&& visitor) {
    visit_weight_and_bias(prefix, visitor, weight, bias);
  }
  TAPENET_MODULE_METHODS

  // Multiply-adds count twice: one multiplication, one addition.
  std::int64_t flops(const Shape& input, const Shape&) const {
    return 2 * input[0] * in_features() * out_features();
  }
};

}  // namespace tapenet::nn
