#pragma once
// check_module<Other>(net, input_shape): what every layer, and every network made of layers,
// must do right, checked in one call (dlib's test_layer idea):
//   - backward() agrees with central differences, for the input and for every parameter of the
//     module itself, in training and in evaluation mode;
//   - train() and eval() reach every layer inside it;
//   - a state dict saved and loaded back gives every parameter, buffer and counter back;
//   - to<Other>() and back keeps the state, and the moved copy computes the same output.
// The module must be in double: in float, central differences drown in rounding.
#include <unistd.h>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "tapenet/autograd/gradcheck.hpp"
#include "tapenet/io/state_dict.hpp"
#include "tapenet/nn/module.hpp"

namespace tapenet::testing {

struct CheckModuleOptions {
  GradcheckOptions tolerance{};
  std::int64_t elements_per_tensor = 16;  // checked by central differences, spread evenly
};

// Every parameter, buffer and counter of a module, by name, as doubles: what must survive a save
// and load, or a move to another backend.
template <class M>
std::vector<std::pair<std::string, std::vector<double>>> state_of(M& net) {
  std::vector<std::pair<std::string, std::vector<double>>> state;
  nn::visit_state(
      net,
      [&](const std::string& name, const auto& tensor) {
        auto values = tensor.to_vector();
        state.push_back({name, std::vector<double>(values.begin(), values.end())});
      },
      [&](const std::string& name, std::int64_t counter) {
        state.push_back({name, {double(counter)}});
      });
  return state;
}

namespace detail {
template <class M>
using VarOf = Var<typename M::backend_type, double>;

template <class M>
std::string first_difference(M& net,
                             const std::vector<std::pair<std::string, std::vector<double>>>& old) {
  auto now = state_of(net);
  for (std::size_t i = 0; i < old.size(); ++i)
    if (now.at(i) != old[i]) return old[i].first;
  return "";
}

// The central-difference check of one tensor: `values` is its storage, `loss` recomputes the loss.
template <Backend B, class Loss>
std::string compare_gradient(const std::string& name, Tensor<B, double>& values,
                             const std::vector<double>& analytic, Loss&& loss,
                             const CheckModuleOptions& options) {
  std::vector<double> point = values.to_vector();
  std::int64_t count = values.numel();
  std::int64_t step = std::max<std::int64_t>(1, count / options.elements_per_tensor);
  double eps = options.tolerance.eps;
  for (std::int64_t j = 0; j < count; j += step) {
    auto loss_at = [&](double value) {
      B::upload(values.data() + j, &value, 1);
      double result = loss();
      B::upload(values.data() + j, &point[std::size_t(j)], 1);
      return result;
    };
    double numeric =
        (loss_at(point[std::size_t(j)] + eps) - loss_at(point[std::size_t(j)] - eps)) / (2 * eps);
    double error = std::abs(analytic[std::size_t(j)] - numeric);
    if (!(error <= options.tolerance.atol + options.tolerance.rtol * std::abs(numeric))) {
      std::ostringstream message;
      message << "gradient of " << name << " element " << j << ": backward() gives "
              << analytic[std::size_t(j)] << ", the central difference gives " << numeric;
      return message.str();
    }
  }
  return "";
}

// L = sum(net(x) * R) for a fixed random R, so every output element counts with its own weight.
// Each pass runs a copy of the module: the copy shares the parameters, but not a Dropout's count
// of its calls, so every pass draws the same mask.
template <class M>
std::string gradient_mismatch(const M& net, const VarOf<M>& x, const CheckModuleOptions& options) {
  using V = VarOf<M>;
  Generator generator(20240531);
  Tensor<typename M::backend_type, double> weights;
  auto loss_of = [&] {
    M trial = net;
    V out = trial(x);
    if (!weights.defined()) weights = decltype(weights)::randn(out.shape(), generator);
    return sum(out * V(weights));
  };
  M with_grads = net;
  std::vector<std::pair<std::string, V>> checked{{"the input", x}};
  for (auto& named : nn::named_parameters(with_grads)) checked.push_back(named);
  for (auto& [name, v] : checked) v.zero_grad();
  loss_of().backward();

  NoGradGuard no_grad;
  for (auto& [name, v] : checked) {
    std::vector<double> analytic(std::size_t(v.shape().numel()), 0.0);
    if (v.grad().defined()) analytic = v.grad().to_vector();
    std::string problem = compare_gradient(
        name, v.data(), analytic, [&] { return loss_of().item(); }, options);
    if (!problem.empty()) return problem;
  }
  return "";
}

template <class M>
std::string mode_mismatch(M& net) {
  for (bool training : {false, true}) {
    net.train(training);
    std::string missed;
    nn::for_each_module(net, [&](const std::string& name, auto& layer) {
      if (layer.training != training && missed.empty()) missed = name;
    });
    if (!missed.empty())
      return std::string(training ? "train()" : "eval()") + " did not reach " + missed;
  }
  return "";
}

// Saves the state, scrambles it in place, loads it back: every value must be what it was.
template <class M>
std::string state_dict_mismatch(M& net) {
  auto before = state_of(net);
  auto path = std::filesystem::temp_directory_path() /
              ("tapenet_check_module_" + std::to_string(::getpid()) + ".safetensors");
  io::save_state_dict(net, path.string());
  nn::visit_state(
      net,
      [](const std::string&, auto& tensor) {
        tensor = std::decay_t<decltype(tensor)>::full(tensor.shape(), 0.5);
      },
      [](const std::string&, std::int64_t& counter) { counter = -1; });
  io::load_state_dict(net, path.string());
  std::filesystem::remove(path);
  std::string changed = first_difference(net, before);
  return changed.empty() ? "" : "the state dict did not give back " + changed;
}

template <Backend Other, class M>
std::string move_mismatch(M& net, const VarOf<M>& x) {
  auto before = state_of(net);
  auto there = nn::to<Other>(net);
  auto back = nn::to<typename M::backend_type>(there);
  std::string changed = first_difference(back, before);
  if (!changed.empty()) return "to<" + std::string(Other::name()) + ">() and back lost " + changed;
  net.train(false);
  there.train(false);
  auto here = net(x).value().to_vector();
  auto moved = there(Var<Other, double>(x.value().template to<Other>())).value().to_vector();
  net.train();
  for (std::size_t i = 0; i < here.size(); ++i)
    if (std::abs(here[i] - moved[i]) > 1e-9 * (1 + std::abs(here[i])))
      return "to<" + std::string(Other::name()) + ">(): output element " + std::to_string(i) +
             " is " + std::to_string(moved[i]) + ", expected " + std::to_string(here[i]);
  return "";
}
}  // namespace detail

template <Backend Other, nn::Module M>
GradcheckResult check_module(M& net, const Shape& input_shape, CheckModuleOptions options = {}) {
  static_assert(std::is_same_v<typename M::value_type, double>,
                "check_module: build the module in double");
  Generator generator(7);
  detail::VarOf<M> x(Tensor<typename M::backend_type, double>::randn(input_shape, generator), true);
  std::string problem;
  for (bool training : {true, false}) {
    net.train(training);
    problem = detail::gradient_mismatch(net, x, options);
    if (!problem.empty()) {
      problem = (training ? "training mode: " : "eval mode: ") + problem;
      break;
    }
  }
  if (problem.empty()) problem = detail::mode_mismatch(net);
  if (problem.empty()) problem = detail::state_dict_mismatch(net);
  if (problem.empty()) problem = detail::move_mismatch<Other>(net, x);
  net.train();
  return {problem.empty(), problem};
}

}  // namespace tapenet::testing
