#pragma once
// What every layer (a *module*, in PyTorch's words) is: a plain value type with
//   y = layer(x)                  its forward pass, recorded on the tape
//   layer.visit(prefix, visitor)  calls visitor(name, item) for each parameter (a Var), buffer
//                                 (a Tensor) and counter (an int64), named as in PyTorch
//   layer.training                true in training mode; train(bool) and eval() switch it
//   layer.parameters(), layer.named_parameters(), layer.to<B>()   as in PyTorch
// A layer made of other layers (a composite) declares its children once, as its last line:
//   TAPENET_CHILDREN(conv1, bn1, relu, fc);
// and everything above follows from that list, for the composite and, through them, its children.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
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

template <class L>
struct Unwrap {
  using type = L;
};
template <class L>
struct Unwrap<std::optional<L>> {
  using type = L;
};
template <class Children>
using FirstChild = typename Unwrap<std::remove_cvref_t<std::tuple_element_t<0, Children>>>::type;

// "conv1, bn1, fc" -> {"conv1", "bn1", "fc"}: TAPENET_CHILDREN's list, spelt out by #__VA_ARGS__
inline std::vector<std::string> split_names(std::string_view list) {
  std::vector<std::string> names(1);
  for (char c : list) {
    if (c == ',')
      names.emplace_back();
    else if (c != ' ')
      names.back() += c;
  }
  return names;
}

// An optional child (ResNet's maxpool, a block's downsample) is a child only while it is there.
template <class F, class Child>
void call_child(F& f, const std::string& name, Child& child) {
  if constexpr (requires { child.has_value(); }) {
    if (child) f(name, *child);
  } else {
    f(name, child);
  }
}

// What TAPENET_CHILDREN's for_each_child does: each declared child with its name.
template <class M, class F>
void for_each_declared_child(M& composite, F& f) {
  const auto& names = M::child_names();
  std::size_t i = 0;
  std::apply([&](auto&... child) { (call_child(f, names[i++], child), ...); },
             composite.children());
}
}  // namespace detail

template <class L>
concept Composite = requires(L& layer) {
  layer.for_each_child(detail::VisitProbe{});
};

// Calls f(name, child) for each child of a composite, in the order they were declared; nothing
// for a layer without children.
template <class M, class F>
void for_each_child(M& layer, F&& f) {
  if constexpr (Composite<M>) layer.for_each_child(f);
}

// Calls f(name, layer) for the layer and every layer inside it, depth first, like PyTorch's
// named_modules(): "" for the layer itself, then "conv1", "layer1", "layer1.0", ...
template <class L, class F>
void for_each_module(L& layer, F&& f, const std::string& name = "") {
  f(name, layer);
  for_each_child(layer, [&](const std::string& child_name, auto& child) {
    for_each_module(child, f, join_name(name, child_name));
  });
}

template <class L>
concept Module = requires(L layer, const Var<typename L::backend_type, typename L::value_type>& x,
                          std::string prefix) {
  { layer(x) } -> std::same_as<Var<typename L::backend_type, typename L::value_type>>;
  layer.visit(prefix, detail::VisitProbe{});
  layer.train(true);
  { layer.training } -> std::convertible_to<bool>;
};

// "Conv2d", for messages and summaries; a composite of a user's own is just a "Module".
template <class L>
constexpr const char* type_name() {
  if constexpr (requires { L::type_name; })
    return L::type_name;
  else
    return "Module";
}

// A weight and an optional bias, visited under PyTorch's names: Linear's and Conv2d's state.
template <class V, class Visitor>
void visit_weight_and_bias(const std::string& prefix, Visitor&& visitor, V& weight, V& bias) {
  visitor(join_name(prefix, "weight"), weight);
  if (bias.defined()) visitor(join_name(prefix, "bias"), bias);
}

// visit() for code that treats parameters and buffers alike (state dicts, comparisons): each
// parameter's value and each buffer as its Tensor, each counter as an int64.
template <class L, class OnTensor, class OnCounter>
void visit_state(L& layer, OnTensor&& on_tensor, OnCounter&& on_counter) {
  layer.visit("", [&](const std::string& name, auto& item) {
    if constexpr (std::is_same_v<std::decay_t<decltype(item)>, std::int64_t>)
      on_counter(name, item);
    else if constexpr (requires { item.value(); })
      on_tensor(name, item.data());
    else
      on_tensor(name, item);
  });
}

// A composite's state is its children's, each under the child's name.
template <class M, class Visitor>
void visit_children(M& layer, const std::string& prefix, Visitor& visitor) {
  for_each_child(layer, [&](const std::string& name, auto& child) {
    child.visit(join_name(prefix, name), visitor);
  });
}

// train(on) for any layer: its own mode, then every child's.
template <class M>
void set_training(M& layer, bool on) {
  layer.training = on;
  for_each_child(layer, [&](const std::string&, auto& child) { child.train(on); });
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
auto parameters(L& layer) {
  std::vector<Var<typename L::backend_type, typename L::value_type>> all;
  for (auto& [name, parameter] : named_parameters(layer)) all.push_back(parameter);
  return all;
}

template <Module L>
std::int64_t parameter_count(L& layer) {
  std::int64_t count = 0;
  for (const auto& p : parameters(layer)) count += p.shape().numel();
  return count;
}

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

// Moving a layer to another backend, like layer.to(device): nn::to<cuda>(net) is a copy of `net`
// whose type says cuda. Rebind<L, To> names the copy's type. A layer with state builds the copy in
// its converting constructor; a composite that declared its children is built from theirs.
template <class L, Backend To>
struct Rebind;
template <template <Backend, class> class Layer, Backend B, class T, Backend To>
struct Rebind<Layer<B, T>, To> {
  using type = Layer<To, T>;
};
template <template <Backend> class Layer, Backend B, Backend To>
struct Rebind<Layer<B>, To> {
  using type = Layer<To>;
};

template <Backend To, class L>
auto to(const L& layer);

namespace detail {
template <Backend To, class Child>
auto child_to(const Child& child) {
  if constexpr (requires { child.has_value(); }) {
    using Moved = decltype(nn::to<To>(*child));
    return child ? std::optional<Moved>(nn::to<To>(*child)) : std::optional<Moved>();
  } else {
    return nn::to<To>(child);
  }
}
}  // namespace detail

template <Backend To, class L>
auto to(const L& layer) {
  using Moved = typename Rebind<L, To>::type;
  if constexpr (requires { layer.children(); }) {
    return std::apply(
        [&](const auto&... child) {
          return Moved{detail::child_to<To>(child)..., layer.training};
        },
        layer.children());
  } else {
    return Moved(layer);
  }
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

// While nn::summary runs, every layer without children reports each forward pass to it (what
// PyTorch's forward hooks are for); the rest of the time this costs one test of a null pointer.
struct ForwardListener {
  virtual void layer_called(const void* layer, const Shape& input, const Shape& output) = 0;
};
namespace detail {
inline thread_local ForwardListener* forward_listener = nullptr;
}

template <class V>
V reported(const void* layer, const V& x, V y) {
  if (detail::forward_listener) detail::forward_listener->layer_called(layer, x.shape(), y.shape());
  return y;
}

}  // namespace tapenet::nn

// The methods every layer has, written once: a layer's class names them with this line.
#define TAPENET_MODULE_METHODS                                               \
  void train(bool on = true) { ::tapenet::nn::set_training(*this, on); }     \
  void eval() { train(false); }                                              \
  auto parameters() { return ::tapenet::nn::parameters(*this); }             \
  auto named_parameters() { return ::tapenet::nn::named_parameters(*this); } \
  template <::tapenet::Backend To>                                           \
  auto to() const {                                                          \
    return ::tapenet::nn::to<To>(*this);                                     \
  }

// A composite's one declaration of its children, in the order of its members, as its last line.
// Every member must be a child (nn::to builds the moved copy from them, in order); the backend
// and scalar type are the first child's.
#define TAPENET_CHILDREN(...)                                                                    \
  using backend_type =                                                                           \
      typename ::tapenet::nn::detail::FirstChild<decltype(std::tie(__VA_ARGS__))>::backend_type; \
  using value_type =                                                                             \
      typename ::tapenet::nn::detail::FirstChild<decltype(std::tie(__VA_ARGS__))>::value_type;   \
  auto children() { return std::tie(__VA_ARGS__); }                                              \
  auto children() const { return std::tie(__VA_ARGS__); }                                        \
  static const std::vector<std::string>& child_names() {                                         \
    static const auto names = ::tapenet::nn::detail::split_names(#__VA_ARGS__);                  \
    return names;                                                                                \
  }                                                                                              \
  template <class Visitor>                                                                       \
  void visit(const std::string& prefix, Visitor&& visitor) {                                     \
    ::tapenet::nn::visit_children(*this, prefix, visitor);                                       \
  }                                                                                              \
  template <class F>                                                                             \
  void for_each_child(F&& f) {                                                                   \
    ::tapenet::nn::detail::for_each_declared_child(*this, f);                                    \
  }                                                                                              \
  TAPENET_MODULE_METHODS                                                                         \
  bool training = true
