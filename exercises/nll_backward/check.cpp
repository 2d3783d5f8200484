// The checks of exercise nll_backward: your gradient against PyTorch's
// (tools/torch_reference/make_exercise_fixtures.py) and, through tapenet's gradcheck, against
// central differences of the loss.
#include EXERCISE_HEADER

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "support/check.hpp"
#include "tapenet/autograd.hpp"

using namespace tapenet;
using exercise_check::check_close;
using exercise_check::fixtures;

namespace {

std::vector<double> gradient_of(const std::string& name) {
  const auto& logits = fixtures()[name + ".logits"];
  return exercise::cross_entropy_grad(logits.values, fixtures()[name + ".targets"].integers(),
                                      logits.dims[1]);
}

void check_case(const std::string& name) {
  check_close("dloss/dlogits", fixtures()[name + ".grad_logits"], gradient_of(name), 1e-9, 1e-12);
}

// Cross-entropy as a tapenet op: tapenet's value, and your gradient as its backward.
Var<cpu, double> cross_entropy_with_your_backward(const Var<cpu, double>& logits,
                                                  const std::vector<std::int64_t>& targets) {
  auto target_tensor = Tensor<cpu, std::int64_t>::from({std::int64_t(targets.size())}, targets);
  Tensor<cpu, double> loss;
  {
    NoGradGuard no_grad;
    loss = cross_entropy(logits, target_tensor).value();
  }
  auto backward = [logits, targets](const Tensor<cpu, double>& grad) {
    auto mine =
        exercise::cross_entropy_grad(logits.value().to_vector(), targets, logits.shape()[1]);
    for (double& g : mine) g *= grad.item();
    logits.accumulate_grad(Tensor<cpu, double>::from(logits.shape(), mine));
  };
  return Var<cpu, double>::record("your cross_entropy", loss, {logits}, backward);
}

}  // namespace

TEST_CASE("4 samples, 3 classes: the gradient matches PyTorch") { check_case("small"); }

TEST_CASE("one sample, 5 classes: the gradient matches PyTorch") { check_case("one_sample"); }

TEST_CASE("logits of +-1000 stay finite and match PyTorch (subtract each row's maximum)") {
  std::vector<double> grad = gradient_of("large_logits");
  for (std::size_t i = 0; i < grad.size(); ++i) {
    INFO("element " << i << " of the gradient is " << grad[i]);
    REQUIRE(std::isfinite(grad[i]));
  }
  check_case("large_logits");
}

TEST_CASE("each row of the gradient sums to 0: probabilities and the one-hot both sum to 1") {
  const auto& logits = fixtures()["small.logits"];
  std::vector<double> grad = gradient_of("small");
  REQUIRE(grad.size() == logits.values.size());
  const std::int64_t rows = logits.dims[0], classes = logits.dims[1];
  std::vector<double> sums(rows, 0.0);
  for (std::int64_t n = 0; n < rows; ++n)
    for (std::int64_t c = 0; c < classes; ++c) sums[n] += grad[n * classes + c];
  check_close("the sum of each row", std::vector<double>(rows, 0.0), sums, {rows}, 0, 1e-12);
}

TEST_CASE("gradcheck: your gradient agrees with central differences of the loss") {
  Tape::active().clear();
  Generator generator(6);
  Var<cpu, double> logits(Tensor<cpu, double>::randn({5, 4}, generator), true);
  std::vector<std::int64_t> targets = {0, 3, 1, 1, 2};
  auto result = gradcheck<cpu>(
      [&](const std::vector<Var<cpu, double>>& in) {
        return cross_entropy_with_your_backward(in[0], targets);
      },
      {logits});
  INFO(result.message);
  CHECK(result.ok);
}
