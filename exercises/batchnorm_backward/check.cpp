// The checks of exercise batchnorm_backward: your dx against PyTorch's
// (tools/torch_reference/make_exercise_fixtures.py) and, through tapenet's gradcheck, against
// central differences of the forward pass.
#include EXERCISE_HEADER

#include <cmath>
#include <string>
#include <vector>

#include "support/check.hpp"
#include "tapenet/autograd.hpp"

using namespace tapenet;
using exercise::BatchNormSizes;
using exercise_check::check_close;
using exercise_check::fixtures;

namespace {

BatchNormSizes sizes_of(const std::vector<std::int64_t>& dims) {
  std::int64_t plane = 1;
  for (std::size_t d = 2; d < dims.size(); ++d) plane *= dims[d];
  return {dims[0], dims[1], plane};
}

void check_case(const std::string& name) {
  const auto& x = fixtures()[name + ".x"];
  BatchNormSizes s = sizes_of(x.dims);
  auto stats = exercise::batch_statistics(x.values, s);
  auto grad_x = exercise::batch_norm_input_grad(fixtures()[name + ".grad_out"].values, x.values,
                                                fixtures()[name + ".gamma"].values, stats, s);
  check_close("dx", fixtures()[name + ".grad_x"], grad_x, 1e-7, 1e-10);
}

// Batch norm of x with a fixed gamma (and beta = 0) as a tapenet op whose backward is yours.
Var<cpu, double> batch_norm_with_your_backward(const Var<cpu, double>& x,
                                               const std::vector<double>& gamma) {
  BatchNormSizes s = sizes_of(x.shape().dims());
  std::vector<double> values = x.value().to_vector(), y(values.size());
  auto stats = exercise::batch_statistics(values, s);
  for (std::int64_t n = 0; n < s.batch; ++n)
    for (std::int64_t c = 0; c < s.channels; ++c)
      for (std::int64_t p = 0; p < s.plane; ++p) {
        std::int64_t i = (n * s.channels + c) * s.plane + p;
        y[i] = gamma[c] * (values[i] - stats.mean[c]) * stats.inverse_std[c];
      }
  auto backward = [x, gamma, s, stats, values](const Tensor<cpu, double>& grad) {
    auto grad_x = exercise::batch_norm_input_grad(grad.to_vector(), values, gamma, stats, s);
    x.accumulate_grad(Tensor<cpu, double>::from(x.shape(), grad_x));
  };
  return Var<cpu, double>::record("your batch_norm", Tensor<cpu, double>::from(x.shape(), y), {x},
                                  backward);
}

}  // namespace

TEST_CASE("features [6, 3]: dx matches PyTorch") { check_case("features"); }

TEST_CASE("images [3, 2, 4, 5]: dx matches PyTorch (each channel pools N * H * W values)") {
  check_case("images");
}

TEST_CASE("mean 100, spread 0.01, gamma 0 and -2: dx matches PyTorch") { check_case("shifted"); }

TEST_CASE("dx sums to zero over each channel: shifting a channel's inputs changes nothing") {
  const auto& x = fixtures()["images.x"];
  BatchNormSizes s = sizes_of(x.dims);
  auto grad_x = exercise::batch_norm_input_grad(fixtures()["images.grad_out"].values, x.values,
                                                fixtures()["images.gamma"].values,
                                                exercise::batch_statistics(x.values, s), s);
  REQUIRE(grad_x.size() == x.values.size());
  std::vector<double> sums(s.channels, 0.0);
  for (std::int64_t n = 0; n < s.batch; ++n)
    for (std::int64_t c = 0; c < s.channels; ++c)
      for (std::int64_t p = 0; p < s.plane; ++p)
        sums[c] += grad_x[(n * s.channels + c) * s.plane + p];
  check_close("the sum of dx over each channel", std::vector<double>(s.channels, 0.0), sums,
              {s.channels}, 0, 1e-9);
}

TEST_CASE("gradcheck: your dx agrees with central differences of the forward pass") {
  Tape::active().clear();
  Generator generator(4);
  Var<cpu, double> x(Tensor<cpu, double>::randn({4, 3, 2, 2}, generator), true);
  std::vector<double> gamma = {1.5, -0.5, 2.0};
  auto result = gradcheck<cpu>(
      [&](const std::vector<Var<cpu, double>>& in) {
        return batch_norm_with_your_backward(in[0], gamma);
      },
      {x});
  INFO(result.message);
  CHECK(result.ok);
}
