#pragma once
#include <cstddef>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "tapenet/nn/module.hpp"

namespace tapenet::nn {

// An error thrown by a layer inside a Sequential (or a Stack), prefixed with where the layer is:
//   layer 4 (Conv2d): conv2d: input has 1 channel but the weight [16, 3, 3, 3] expects 3
// In nested Sequentials the place is a dotted path, the layer's name in named_parameters():
// "layer 2.0 (Conv2d)" is layer 0 of the Sequential that is layer 2. Any other composite in
// between (a BasicBlock, a module of yours) adds its own prefix: "layer 1 (BasicBlock): layer 0
// (Conv2d): ...". It is a tapenet::Error, so `catch (const Error&)` still catches it.
class LayerError : public Error {
 public:
  LayerError(std::string path, std::string type, std::string reason)
      : Error("layer " + path + " (" + type + "): " + reason),
        path_(std::move(path)),
        type_(std::move(type)),
        reason_(std::move(reason)) {}
  const std::string& path() const { return path_; }      // "2.0"
  const std::string& type() const { return type_; }      // "Conv2d"
  const std::string& reason() const { return reason_; }  // the layer's own message

 private:
  std::string path_, type_, reason_;
};

namespace detail {
// Checks, as layers are composed, that each one's input width (channels or features) is what the
// layer before it gives. Width 0 means "not fixed" and matches anything.
struct WidthChecker {
  std::string container;
  std::int64_t width = 0;
  std::string producer = {};

  template <class L>
  void next(const L& layer, const std::string& name) {
    std::int64_t expected = input_width(layer);
    if (expected != 0 && width != 0 && expected != width)
      fail(container, ": layer ", name, " (", type_name<L>(), ") expects ",
           count(expected, width_noun(layer), width_noun(layer) + "s"), ", but layer ", producer,
           " gives ", width);
    width = output_width(layer, width);
    producer = name + " (" + type_name<L>() + ")";
  }

  // What a layer's input width counts: Linear's features, Conv2d's and BatchNorm2d's channels,
  // and either for a nested Sequential, which has the width of its first layer.
  template <class L>
  static std::string width_noun(const L& layer) {
    if constexpr (requires { layer.in_features(); })
      return "input feature";
    else if constexpr (Composite<L>)
      return "input channel/feature";
    else
      return "input channel";
  }
};

// Containers whose forward pass names the layer an error came from (see LayerError).
template <class L>
concept NamesLayerErrors = requires {
  L::names_layer_errors;
};

// child(x), with an Error from it rethrown as a LayerError naming the child (index, type).
template <class L, class V>
V forward_child(std::size_t index, L& child, const V& x) {
  try {
    return child(x);
  } catch (const LayerError& error) {
    if constexpr (NamesLayerErrors<L>)  // a nested container: the path grows
      throw LayerError(std::to_string(index) + "." + error.path(), error.type(), error.reason());
    else
      throw LayerError(std::to_string(index), type_name<L>(), error.what());
  } catch (const Error& error) {
    throw LayerError(std::to_string(index), type_name<L>(), error.what());
  }
}
}  // namespace detail

// Layers applied one after another, like nn.Sequential. The list of layer types is fixed at
// compile time, so a forward pass is a fold over a tuple: no virtual calls, and the compiler sees
// the whole network. Children are named "0", "1", ... as in PyTorch.
template <Module... Layers>
class Sequential {
  static_assert(sizeof...(Layers) > 0, "nn::Sequential needs at least one layer");
  using First = std::tuple_element_t<0, std::tuple<Layers...>>;

 public:
  using backend_type = typename First::backend_type;
  using value_type = typename First::value_type;
  static_assert((std::is_same_v<typename Layers::backend_type, backend_type> && ...) &&
                    (std::is_same_v<typename Layers::value_type, value_type> && ...),
                "nn::Sequential: every layer must have the same backend and scalar type");
  static constexpr const char* type_name = "Sequential";
  static constexpr bool names_layer_errors = true;
  using V = Var<backend_type, value_type>;

  std::tuple<Layers...> layers;
  bool training = true;

  explicit Sequential(Layers... children) : layers(std::move(children)...) {
    detail::WidthChecker checker{"Sequential"};
    for_each_child([&](const std::string& name, auto& child) { checker.next(child, name); });
  }
  template <class... From>
  explicit Sequential(const Sequential<From...>& other)  // nn::to
      : layers(std::apply(
            [](const auto&... layer) { return std::tuple{nn::to<backend_type>(layer)...}; },
            other.layers)),
        training(other.training) {}

  template <std::size_t I>
  auto& get() {
    return std::get<I>(layers);
  }

  // The layers in turn; an error names the layer it came from ("layer 4 (Conv2d): ...").
  V operator()(const V& x) {
    V y = x;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      ((y = detail::forward_child(I, std::get<I>(layers), y)), ...);
    }
    (std::index_sequence_for<Layers...>{});
    return y;
  }

  template <class F>
  void for_each_child(F&& f) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (f(std::to_string(I), std::get<I>(layers)), ...);
    }
    (std::index_sequence_for<Layers...>{});
  }
  template <class Visitor>
  void visit(const std::string& prefix, Visitor&& visitor) {
    visit_children(*this, prefix, visitor);
  }
  TAPENET_MODULE_METHODS

  std::int64_t in_channels() const { return input_width(std::get<0>(layers)); }
  std::int64_t output_width(std::int64_t input) const {
    std::apply([&](const auto&... child) { ((input = nn::output_width(child, input)), ...); },
               layers);
    return input;
  }
};

// A run-time number of layers of one type applied in order: how ResNet holds its stages
// (layer1 = two BasicBlocks for ResNet18, three for ResNet34). Named "0", "1", ... too.
template <Module Layer>
class Stack {
 public:
  using backend_type = typename Layer::backend_type;
  using value_type = typename Layer::value_type;
  static constexpr const char* type_name = "Sequential";
  static constexpr bool names_layer_errors = true;
  using V = Var<backend_type, value_type>;

  std::vector<Layer> layers;
  bool training = true;

  explicit Stack(std::vector<Layer> children) : layers(std::move(children)) {
    if (layers.empty()) fail("Stack: needs at least one layer");
    detail::WidthChecker checker{"Sequential"};
    for (std::size_t i = 0; i < layers.size(); ++i) checker.next(layers[i], std::to_string(i));
  }
  template <class From>
  explicit Stack(const Stack<From>& other) : training(other.training) {  // nn::to
    for (const auto& layer : other.layers) layers.push_back(nn::to<backend_type>(layer));
  }

  Layer& operator[](std::size_t i) { return layers.at(i); }
  std::size_t size() const { return layers.size(); }

  V operator()(const V& x) {
    V y = x;
    for (std::size_t i = 0; i < layers.size(); ++i) y = detail::forward_child(i, layers[i], y);
    return y;
  }

  template <class F>
  void for_each_child(F&& f) {
    for (std::size_t i = 0; i < layers.size(); ++i) f(std::to_string(i), layers[i]);
  }
  template <class Visitor>
  void visit(const std::string& prefix, Visitor&& visitor) {
    visit_children(*this, prefix, visitor);
  }
  TAPENET_MODULE_METHODS

  std::int64_t in_channels() const { return input_width(layers.front()); }
  std::int64_t output_width(std::int64_t input) const {
    for (const auto& layer : layers) input = nn::output_width(layer, input);
    return input;
  }
};

template <class... Layers, Backend To>
struct Rebind<Sequential<Layers...>, To> {
  using type = Sequential<typename Rebind<Layers, To>::type...>;
};
template <class Layer, Backend To>
struct Rebind<Stack<Layer>, To> {
  using type = Stack<typename Rebind<Layer, To>::type>;
};

}  // namespace tapenet::nn
