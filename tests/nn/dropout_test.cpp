// nn::Dropout against PyTorch's definition: in training, each element is zeroed with probability
// p and the rest scaled by 1 / (1 - p), with the same mask for the gradient; in eval mode, the
// identity. The mask is a hash of (seed, call, index), so every backend draws the same one.
#include "support/backends.hpp"

using namespace tapenet;

TEMPLATE_TEST_CASE("Dropout zeroes about p of the elements and scales the rest", "[fast]",
                   TAPENET_BACKENDS) {
  using B = TestType;
  manual_seed(0);
  nn::Dropout<B> dropout(0.25);
  const std::int64_t n = 100'000;
  Var<B> x(Tensor<B>::ones({n}), true);
  auto y = dropout(x);
  sum(y).backward();
  auto out = y.value().to_vector();
  auto grad = x.grad().to_vector();
  std::int64_t zeros = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    REQUIRE((out[i] == 0.0f || out[i] == Approx(1 / 0.75)));
    REQUIRE(grad[i] == out[i]);  // y = x * mask / (1 - p): the gradient is the same mask, scaled
    zeros += out[i] == 0.0f;
  }
  CHECK(double(zeros) / n == Approx(0.25).margin(0.01));  // 0.01 is about 9 standard deviations
}

TEST_CASE("Dropout draws the same masks on every backend, a new one each call", "[fast]") {
  manual_seed(7);
  nn::Dropout<cpu> on_cpu(0.5);
  auto on_thrust = nn::to<thrust_omp>(on_cpu);
  auto x = Tensor<cpu>::randn({4, 1000});
  auto first = on_cpu(Var<cpu>(x)).value();
  CHECK(on_thrust(Var<thrust_omp>(x.to<thrust_omp>())).value().to_vector() == first.to_vector());
  CHECK(on_cpu(Var<cpu>(x)).value().to_vector() != first.to_vector());

  manual_seed(7);
  nn::Dropout<cpu> again(0.5);
  CHECK(again(Var<cpu>(x)).value().to_vector() == first.to_vector());  // manual_seed repeats it
}

TEST_CASE("Dropout in eval mode, with p = 0 and p = 1, and a p out of range", "[fast]") {
  Var<cpu> x(Tensor<cpu>::randn({3, 5}));
  nn::Dropout<cpu> dropout(0.9);
  dropout.eval();
  CHECK(dropout(x).value().to_vector() == x.value().to_vector());
  nn::Dropout<cpu> none(0.0);
  CHECK(none(x).value().to_vector() == x.value().to_vector());
  nn::Dropout<cpu> all(1.0);
  CHECK(all(x).value().to_vector() == std::vector<float>(15, 0.0f));
  CHECK_THROWS_WITH(nn::Dropout<cpu>(1.5), "Dropout: p 1.5 must be between 0 and 1");
}
