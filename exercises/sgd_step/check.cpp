// The checks of exercise sgd_step: four steps of your update against four steps of
// torch.optim.SGD with the same options and gradients
// (tools/torch_reference/make_exercise_fixtures.py).
#include EXERCISE_HEADER

#include <string>
#include <vector>

#include "support/check.hpp"

using exercise::SgdOptions;
using exercise_check::check_close;
using exercise_check::fixtures;

namespace {

// Runs the steps of fixture case `name` and compares the parameter after each one.
void check_case(const std::string& name) {
  const auto& o = fixtures()[name + ".options"].values;
  SgdOptions options{o[0], o[1], o[2], o[3], o[4] != 0};
  INFO("lr " << options.lr << ", momentum " << options.momentum << ", dampening "
             << options.dampening << ", weight_decay " << options.weight_decay << ", nesterov "
             << (options.nesterov ? "true" : "false"));
  std::vector<double> params = fixtures()[name + ".param_0"].values, buffer;
  for (int step = 1; step <= 4; ++step) {
    const std::string t = std::to_string(step);
    exercise::sgd_step(params, fixtures()[name + ".grad_" + t].values, buffer, options);
    if (!check_close("the parameter after step " + t, fixtures()[name + ".param_" + t], params))
      break;  // the later steps start from a wrong parameter
  }
}

}  // namespace

TEST_CASE("plain SGD: p = p - lr * grad") { check_case("plain"); }

TEST_CASE("weight decay: grad + weight_decay * p") { check_case("weight_decay"); }

TEST_CASE("momentum 0.9: the buffer starts as the first gradient, then b = 0.9 b + g") {
  check_case("momentum");
}

TEST_CASE("dampening 0.5: (1 - dampening) scales the gradient, but not on the first step") {
  check_case("dampening");
}

TEST_CASE("nesterov: the step is g + momentum * b") { check_case("nesterov"); }

TEST_CASE("nesterov with weight decay and momentum 0.8") { check_case("everything"); }

TEST_CASE("momentum, dampening and weight decay together") { check_case("damped_decay"); }
