// The checks of exercise relu_backward: your backward closure against PyTorch's gradients
// (tools/torch_reference/make_exercise_fixtures.py) and against tapenet's gradcheck, which
// compares it with central differences of the forward pass.
#include EXERCISE_HEADER

#include <cmath>
#include <string>
#include <vector>

#include "support/check.hpp"

using namespace tapenet;
using exercise_check::check_close;
using exercise_check::fixtures;

namespace {

using Tensor64 = Tensor<cpu, double>;
using Var64 = Var<cpu, double>;

Tensor64 tensor(const std::string& key) {
  const auto& fixture = fixtures()[key];
  return Tensor64::from(Shape(fixture.dims), fixture.values);
}

// A check that failed inside backward() leaves its entries on the tape: start each check afresh.
void clear_tape() { Tape::active().clear(); }

// Runs sum(f(x) * grad_out).backward() for fixture case `name` and compares x's gradient.
template <class F>
void check_case(const std::string& name, F f) {
  clear_tape();
  Var64 x(tensor(name + ".x"), true);
  Var64 out = f(x);
  check_close("the output (the forward pass is given)", fixtures()[name + ".out"],
              out.value().to_vector());
  sum(out * Var64(tensor(name + ".grad_out"))).backward();
  REQUIRE(x.grad().defined());
  check_close("the gradient of x", fixtures()[name + ".grad_x"], x.grad().to_vector());
}

}  // namespace

TEST_CASE("the gradient passes where x > 0 and is blocked where x < 0 and at x = 0") {
  check_case("values", [](const Var64& x) { return exercise::relu(x); });
}

TEST_CASE("at x = 0 the gradient is 0, as in PyTorch") {
  clear_tape();
  Var64 x(Tensor64::zeros({3}), true);
  sum(exercise::relu(x)).backward();
  REQUIRE(x.grad().defined());
  check_close("the gradient of relu at 0", {0.0, 0.0, 0.0}, x.grad().to_vector());
}

TEST_CASE("relu(x) * x: x's gradient adds the share through relu to the other one") {
  check_case("times_x", [](const Var64& x) { return exercise::relu(x) * x; });
}

TEST_CASE("gradcheck: backward agrees with central differences of the forward pass") {
  clear_tape();
  Generator generator(17);
  auto values = Tensor64::randn({4, 5}, generator).to_vector();
  for (double& v : values) v += v < 0 ? -0.1 : 0.1;  // a step of 1e-6 must not cross 0
  Var64 x(Tensor64::from({4, 5}, values), true);
  auto result =
      gradcheck<cpu>([](const std::vector<Var64>& in) { return exercise::relu(in[0]); }, {x});
  INFO(result.message);
  CHECK(result.ok);
}

TEST_CASE("float as well as double: the closure works for any element type") {
  clear_tape();
  Var<cpu> x(Tensor<cpu>::from({4}, {-1.5f, 0.0f, 0.25f, 2.0f}), true);
  sum(exercise::relu(x) * Var<cpu>(Tensor<cpu>::from({4}, {1.0f, 2.0f, 3.0f, 4.0f}))).backward();
  REQUIRE(x.grad().defined());
  auto grad = x.grad().to_vector();
  check_close("the gradient of x (float)", {0.0, 0.0, 3.0, 4.0}, {grad.begin(), grad.end()});
}
