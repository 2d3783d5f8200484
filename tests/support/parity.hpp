#pragma once
// Runs an op on fixture inputs and compares its output and the gradients of sum(out * R) with what
// PyTorch computed (see tools/torch_reference/make_fixtures.py).
#include <functional>
#include <string>
#include <vector>

#include "support/backends.hpp"
#include "support/fixtures.hpp"

namespace tapenet::testing {

template <class B>
using Inputs = std::vector<Var<B>>;

template <class B>
void check_against_pytorch(const Fixtures& fixtures, const std::string& name,
                           const std::vector<std::string>& input_names,
                           const std::function<Var<B>(const Inputs<B>&)>& op, double rtol = 1e-5,
                           double atol = 1e-6) {
  INFO("fixture case " << name);
  Inputs<B> inputs;
  for (const auto& input : input_names)
    inputs.emplace_back(fixtures.tensor<B>(name + "." + input), true);
  Var<B> out = op(inputs);
  require_close(out.value(), fixtures.tensor<B>(name + ".out"), rtol, atol);
  sum(out * Var<B>(fixtures.tensor<B>(name + ".grad_out"))).backward();
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    INFO("gradient of " << input_names[i]);
    require_close(inputs[i].grad(), fixtures.tensor<B>(name + ".grad_" + input_names[i]), rtol,
                  atol);
  }
}

}  // namespace tapenet::testing
