#pragma once
#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "tapenet/ops/arithmetic.hpp"
#include "tapenet/ops/reduction.hpp"

namespace tapenet {

struct GradcheckOptions {
  double eps = 1e-6;   // the step of the central difference
  double atol = 1e-5;  // |analytic - numeric| <= atol + rtol * |numeric| passes
  double rtol = 1e-3;
};

struct GradcheckResult {
  bool ok = true;
  std::string message;  // the first mismatch, when !ok
};

// Checks backward() against the definition of a derivative, like torch.autograd.gradcheck:
// for every element x_j of every input that requires grad,
//     dL/dx_j ~ (L(x_j + eps) - L(x_j - eps)) / (2 eps),
// where L = sum(f(inputs) * R) for a fixed random R, so that every output element is checked
// with a different weight. Run it in double: in float the differences drown in rounding.
template <Backend B, class F>
GradcheckResult gradcheck(F f, std::vector<Var<B, double>> inputs, GradcheckOptions options = {}) {
  using Tensor = tapenet::Tensor<B, double>;
  Generator generator(20240531);
  Tensor weights;
  auto loss = [&](const std::vector<Var<B, double>>& xs) {
    Var<B, double> out = f(xs);
    if (!weights.defined()) weights = Tensor::randn(out.shape(), generator);
    return sum(out * Var<B, double>(weights));
  };

  for (auto& input : inputs) input.zero_grad();
  loss(inputs).backward();

  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].requires_grad()) continue;
    std::vector<double> analytic(static_cast<std::size_t>(inputs[i].shape().numel()), 0.0);
    if (inputs[i].grad().defined()) analytic = inputs[i].grad().to_vector();
    std::vector<double> point = inputs[i].value().to_vector();

    NoGradGuard no_grad;
    for (std::size_t j = 0; j < point.size(); ++j) {
      auto loss_at = [&](double value) {
        std::vector<double> moved = point;
        moved[j] = value;
        std::vector<Var<B, double>> xs = inputs;
        xs[i] = Var<B, double>(Tensor::from(inputs[i].shape(), moved));
        return loss(xs).item();
      };
      double numeric =
          (loss_at(point[j] + options.eps) - loss_at(point[j] - options.eps)) / (2 * options.eps);
      double error = std::abs(analytic[j] - numeric);
      if (!(error <= options.atol + options.rtol * std::abs(numeric))) {
        std::ostringstream message;
        message << "gradcheck: input " << i << " element " << j << ": backward() gives "
                << analytic[j] << ", the central difference gives " << numeric;
        return {false, message.str()};
      }
    }
  }
  return {};
}

}  // namespace tapenet
