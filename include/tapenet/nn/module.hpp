#pragma once
// What every layer is: a plain value type with
//   y = layer(x)                  its forward pass, recorded on the tape
//   layer.visit(prefix, visitor)  calls visitor(name, item) for each parameter (a Var), buffer
//                                 (a Tensor) and counter (an int64), named as in PyTorch
//   layer.train(bool)             switches training/evaluation behaviour (BatchNorm's); the
//                                 current mode is layer.training
//   Layer::type_name              "Conv2d", for messages and summaries
// Composite layers (Sequential, BasicBlock, ResNet) also have forward_with(x, call), their forward
// pass with every child called through call(child, child_name, input): forward passes a plain
// call, summary() passes one that records each child's output.
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "tapenet/autograd/var.hpp"

namespace tapenet::nn {

// "layer1.0" + "conv1" -> "layer1.0.conv1"
inline std::string join_name(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "." + name;
}

namespace detail {
struct VisitProbe {
  template <class Item>
  void operator()(const std::string&, Item&) const {}
};
}  // namespace detail

// What a plain forward pass passes to forward_with: call the child on its input.
struct CallChild {
  template <class Layer, class X>
  auto operator()(Layer& child, const std::string&, const X& in) const {
    return child(in);
  }
};

// A weight and an optional bias, visited under PyTorch's names: Linear's and Conv2d's state.
template <class V, class Visitor>
void visit_weight_and_bias(const std::string& prefix, Visitor&& visitor, V& weight, V& bias) {
  visitor(join_name(prefix, "weight"), weight);
  if (bias.defined()) visitor(join_name(prefix, "bias"), bias);
}

template <class L>
concept Module = requires(L layer, const Var<typename L::backend_type, typename L::value_type>& x,
                          std::string prefix) {
  { layer(x) } -> std::same_as<Var<typename L::backend_type, typename L::value_type>>;
  layer.visit(prefix, detail::VisitProbe{});
  layer.train(true);
  { layer.training } -> std::convertible_to<bool>;
  { L::type_name } -> std::convertible_to<const char*>;
};

template <class L>
concept Composite = Module<L> &&
    requires(L layer, const Var<typename L::backend_type, typename L::value_type>& x) {
  layer.forward_with(x, CallChild{});
};

// The size of dimension 1 a layer expects of its input, and gives its output, when it has a
// fixed one: channels for Conv2d and BatchNorm2d, features for Linear. 0 means "any".
template <class L>
std::int64_t input_width(const L& layer) {
  if constexpr (requires { layer.in_channels(); })
    return layer.in_channels();
  else if constexpr (requires { layer.in_features(); })
    return layer.in_features();
  else
    return 0;
}
template <class L>
std::int64_t output_width(const L& layer, std::int64_t input) {
  if constexpr (requires { layer.out_channels(); })
    return layer.out_channels();
  else if constexpr (requires { layer.out_features(); })
    return layer.out_features();
  else if constexpr (requires { layer.output_width(input); })
    return layer.output_width(input);
  else
    return input;  // ReLU, pooling: the channels pass through
}

template <Module L>
auto parameters(L& layer) {
  using V = Var<typename L::backend_type, typename L::value_type>;
  std::vector<V> all;
  layer.visit("", [&](const std::string&, auto& item) {
    if constexpr (std::is_same_v<std::decay_t<decltype(item)>, V>) all.push_back(item);
  });
  return all;
}

template <Module L>
auto named_parameters(L& layer) {
  using V = Var<typename L::backend_type, typename L::value_type>;
  std::vector<std::pair<std::string, V>> all;
  layer.visit("", [&](const std::string& name, auto& item) {
    if constexpr (std::is_same_v<std::decay_t<decltype(item)>, V>) all.emplace_back(name, item);
  });
  return all;
}

template <Module L>
std::int64_t parameter_count(L& layer) {
  std::int64_t count = 0;
  for (const auto& p : parameters(layer)) count += p.shape().numel();
  return count;
}

// Moving a layer to another backend, like module.to(device): nn::to<cuda>(net) is a copy of `net`
// whose type says cuda, built by the layer's converting constructor from each parameter and buffer
// copied across (a parameter stays a leaf; its gradient stays behind). Rebind<L, To> names the
// copy's type; composite layers (Sequential, Stack) add their own Rebind.
template <class L, Backend To>
struct Rebind;
template <template <Backend, class> class Layer, Backend B, class T, Backend To>
struct Rebind<Layer<B, T>, To> {
  using type = Layer<To, T>;
};

template <Backend To, Module L>
auto to(const L& layer) {
  return typename Rebind<L, To>::type(layer);
}

template <Backend To, Backend From, class T>
Var<To, T> to_backend(const Var<From, T>& variable) {
  if (!variable.defined()) return {};
  return Var<To, T>(variable.value().template to<To>(), variable.requires_grad());
}

// Makes every parameter a leaf that requires grad: what a layer's constructor does to its weights.
template <Backend B, class T>
Var<B, T> parameter(Tensor<B, T> value) {
  return Var<B, T>(std::move(value), true);
}

}  // namespace tapenet::nn
