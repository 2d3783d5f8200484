#pragma once
// The reference solution of exercises/sgd_step/exercise.hpp. Try the exercise first.
#include <vector>

namespace exercise {

struct SgdOptions {
  double lr = 0.001;
  double momentum = 0.0;
  double dampening = 0.0;
  double weight_decay = 0.0;
  bool nesterov = false;
};

inline void sgd_step(std::vector<double>& params, const std::vector<double>& grads,
                     std::vector<double>& momentum_buffer, const SgdOptions& options) {
  const bool first = momentum_buffer.empty();
  if (options.momentum != 0 && first) momentum_buffer.resize(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    double g = grads[i] + options.weight_decay * params[i];
    if (options.momentum != 0) {
      double& b = momentum_buffer[i];
      b = first ? g : options.momentum * b + (1 - options.dampening) * g;
      g = options.nesterov ? g + options.momentum * b : b;
    }
    params[i] -= options.lr * g;
  }
}

}  // namespace exercise
