// Every differentiable op against central differences, in double, on every backend.
#include "support/gradcheck.hpp"

using namespace tapenet;

namespace {
using testing::gradcheck_input;
using testing::require_gradients_match;

using Vars = std::vector<Var<cpu, double>>;
}  // namespace

TEMPLATE_TEST_CASE("gradcheck: add, sub and mul, with and without broadcasting", "[fast]",
                   TAPENET_BACKENDS) {
  using B = TestType;
  using V = std::vector<Var<B, double>>;
  auto add_fn = [](const V& x) { return x[0] + x[1]; };
  auto sub_fn = [](const V& x) { return x[0] - x[1]; };
  auto mul_fn = [](const V& x) { return x[0] * x[1]; };
  std::vector<std::pair<Shape, Shape>> shapes = {
      {{3, 4}, {3, 4}}, {{4, 5}, {5}}, {{3, 1}, {1, 4}}, {{2, 3, 2, 2}, {3, 1, 1}}};
  for (auto& [sa, sb] : shapes) {
    INFO(sa << " with " << sb);
    require_gradients_match<B>(add_fn, {gradcheck_input<B>(sa, 1), gradcheck_input<B>(sb, 2)});
    require_gradients_match<B>(sub_fn, {gradcheck_input<B>(sa, 3), gradcheck_input<B>(sb, 4)});
    require_gradients_match<B>(mul_fn, {gradcheck_input<B>(sa, 5), gradcheck_input<B>(sb, 6)});
  }
  // the same variable on both sides: both contributions must add up
  require_gradients_match<B>([](const V& x) { return x[0] * x[0]; }, {gradcheck_input<B>({5}, 7)});
}

TEMPLATE_TEST_CASE("gradcheck: matmul", "[fast]", TAPENET_BACKENDS) {
  using B = TestType;
  using V = std::vector<Var<B, double>>;
  require_gradients_match<B>([](const V& x) { return matmul(x[0], x[1]); },
                             {gradcheck_input<B>({4, 6}, 1), gradcheck_input<B>({6, 3}, 2)});
}

TEMPLATE_TEST_CASE("gradcheck: sum, mean, reshape, flatten", "[fast]", TAPENET_BACKENDS) {
  using B = TestType;
  using V = std::vector<Var<B, double>>;
  require_gradients_match<B>([](const V& x) { return sum(x[0]); }, {gradcheck_input<B>({3, 4}, 1)});
  require_gradients_match<B>([](const V& x) { return mean(x[0]); },
                             {gradcheck_input<B>({2, 3, 2}, 2)});
  require_gradients_match<B>(
      [](const V& x) {
        return reshape(x[0], {4, -1});
      },
      {gradcheck_input<B>({2, 3, 2}, 3)});
  require_gradients_match<B>([](const V& x) { return flatten(x[0]); },
                             {gradcheck_input<B>({2, 3, 2, 2}, 4)});
}

TEMPLATE_TEST_CASE("gradcheck: relu", "[fast]", TAPENET_BACKENDS) {
  using B = TestType;
  using V = std::vector<Var<B, double>>;
  require_gradients_match<B>([](const V& x) { return relu(x[0]); },
                             {gradcheck_input<B>({5, 6}, 1)});
}

TEMPLATE_TEST_CASE("gradcheck: log_softmax, nll_loss, cross_entropy", "[fast]", TAPENET_BACKENDS) {
  using B = TestType;
  using V = std::vector<Var<B, double>>;
  for (int dim : {0, 1, 2, -1}) {
    INFO("dim " << dim);
    require_gradients_match<B>([dim](const V& x) { return log_softmax(x[0], dim); },
                               {gradcheck_input<B>({3, 4, 5}, 1)});
  }
  auto target = Tensor<B, std::int64_t>::from({4}, {2, 0, -100, 4});
  require_gradients_match<B>([&](const V& x) { return nll_loss(x[0], target); },
                             {gradcheck_input<B>({4, 5}, 2)});
  require_gradients_match<B>([&](const V& x) { return cross_entropy(x[0], target); },
                             {gradcheck_input<B>({4, 5}, 3)});
}

TEMPLATE_TEST_CASE("gradcheck: a two-layer network, every op chained", "[fast]", TAPENET_BACKENDS) {
  using B = TestType;
  using V = std::vector<Var<B, double>>;
  auto target = Tensor<B, std::int64_t>::from({4}, {1, 0, 2, 2});
  auto network = [&](const V& p) {
    auto hidden = relu(matmul(flatten(p[0]), p[1]) + p[2]);
    return cross_entropy(matmul(hidden, p[3]) + p[4], target);
  };
  require_gradients_match<B>(network, {gradcheck_input<B>({4, 2, 3}, 1),
                                       gradcheck_input<B>({6, 5}, 2), gradcheck_input<B>({5}, 3),
                                       gradcheck_input<B>({5, 3}, 4), gradcheck_input<B>({3}, 5)});
}

TEST_CASE("gradcheck catches a wrong backward", "[fast]") {
  // x*x with the derivative 1 instead of 2x: the checker must say so.
  auto wrong_square = [](const Vars& x) {
    auto value = kernels::zip(x[0].value(), x[0].value(), kernels::Mul{});
    return Var<cpu, double>::record("wrong_square", value, {x[0]},
                                    [x0 = x[0]](const auto& grad) { x0.accumulate_grad(grad); });
  };
  Generator generator(3);
  auto result = gradcheck<cpu>(
      wrong_square, {Var<cpu, double>(Tensor<cpu, double>::randn({4}, generator), true)});
  CHECK_FALSE(result.ok);
  CHECK_THAT(result.message, Catch::Contains("input 0 element"));
}
