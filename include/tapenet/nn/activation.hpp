#pragma once
#include "tapenet/nn/module.hpp"
#include "tapenet/ops/activation.hpp"
#include "tapenet/ops/reshape.hpp"

namespace tapenet::nn {

// Layers without parameters share this: nothing to visit.
template <Backend B, class T>
struct Stateless {
  using backend_type = B;
  using value_type = T;
  Stateless() = default;
  template <Backend From>
  explicit Stateless(const Stateless<From, T>& other) : training(other.training) {}  // nn::to
  template <class Visitor>
  void visit(const std::string&, Visitor&&) {}
  bool training = true;
};

template <Backend B, class T = float>
struct ReLU : Stateless<B, T> {
  using Stateless<B, T>::Stateless;
  static constexpr const char* type_name = "ReLU";
  Var<B, T> operator()(const Var<B, T>& x) { return reported(this, x, relu(x)); }
  TAPENET_MODULE_METHODS
};

// [N, C, H, W] -> [N, C*H*W], like nn.Flatten().
template <Backend B, class T = float>
struct Flatten : Stateless<B, T> {
  using Stateless<B, T>::Stateless;
  static constexpr const char* type_name = "Flatten";
  Var<B, T> operator()(const Var<B, T>& x) { return reported(this, x, flatten(x, 1, -1)); }
  TAPENET_MODULE_METHODS
  // The width after flattening depends on H and W, unknown until run time.
  std::int64_t output_width(std::int64_t) const { return 0; }
};

}  // namespace tapenet::nn
