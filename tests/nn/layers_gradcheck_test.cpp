// The layers' ops against central differences, in double, on every backend.
#include "support/gradcheck.hpp"

using namespace tapenet;

using testing::gradcheck_input;
using testing::require_gradients_match;

TEMPLATE_TEST_CASE("gradcheck: conv2d", "[fast]", TAPENET_BACKENDS) {
  using B = TestType;
  using V = std::vector<Var<B, double>>;
  require_gradients_match<B>([](const V& x) { return conv2d(x[0], x[1], x[2]); },
                             {gradcheck_input<B>({2, 3, 5, 5}, 1),
                              gradcheck_input<B>({4, 3, 3, 3}, 2), gradcheck_input<B>({4}, 3)});
  require_gradients_match<B>(
      [](const V& x) {
        return conv2d(x[0], x[1], Var<B, double>(), {{2, 1}, {1, 2}, {1, 2}});
      },
      {gradcheck_input<B>({1, 2, 7, 6}, 4), gradcheck_input<B>({3, 2, 3, 2}, 5)});
}

TEMPLATE_TEST_CASE("gradcheck: linear", "[fast]", TAPENET_BACKENDS) {
  using B = TestType;
  using V = std::vector<Var<B, double>>;
  require_gradients_match<B>(
      [](const V& x) { return linear(x[0], x[1], x[2]); },
      {gradcheck_input<B>({4, 5}, 1), gradcheck_input<B>({3, 5}, 2), gradcheck_input<B>({3}, 3)});
}

TEMPLATE_TEST_CASE("gradcheck: batch_norm in training and evaluation mode", "[fast]",
                   TAPENET_BACKENDS) {
  using B = TestType;
  using V = std::vector<Var<B, double>>;
  require_gradients_match<B>([](const V& x) { return batch_norm(x[0], x[1], x[2], {}, {}, true); },
                             {gradcheck_input<B>({3, 2, 2, 3}, 1), gradcheck_input<B>({2}, 2),
                              gradcheck_input<B>({2}, 3)});
  auto mean = Tensor<B, double>::from({2}, {0.5, -0.25});
  auto var = Tensor<B, double>::from({2}, {1.5, 0.75});
  require_gradients_match<B>(
      [&](const V& x) { return batch_norm(x[0], x[1], x[2], mean, var, false); },
      {gradcheck_input<B>({3, 2, 2, 3}, 4), gradcheck_input<B>({2}, 5),
       gradcheck_input<B>({2}, 6)});
  // without affine parameters
  require_gradients_match<B>(
      [](const V& x) { return batch_norm(x[0], Var<B, double>(), Var<B, double>(), {}, {}); },
      {gradcheck_input<B>({4, 3, 2, 1}, 7)});
}

TEMPLATE_TEST_CASE("gradcheck: max_pool2d and adaptive_avg_pool2d", "[fast]", TAPENET_BACKENDS) {
  using B = TestType;
  using V = std::vector<Var<B, double>>;
  require_gradients_match<B>(
      [](const V& x) { return max_pool2d(x[0], 3, {.stride = 2, .padding = 1}); },
      {gradcheck_input<B>({2, 2, 7, 6}, 1)});
  require_gradients_match<B>(
      [](const V& x) {
        return adaptive_avg_pool2d(x[0], {3, 2});
      },
      {gradcheck_input<B>({2, 2, 7, 5}, 2)});
}

TEMPLATE_TEST_CASE("gradcheck: cross_entropy with label smoothing", "[fast]", TAPENET_BACKENDS) {
  using B = TestType;
  using V = std::vector<Var<B, double>>;
  auto target = Tensor<B, std::int64_t>::from({4}, {1, -100, 3, 0});
  require_gradients_match<B>([&](const V& x) { return cross_entropy(x[0], target, -100, 0.3); },
                             {gradcheck_input<B>({4, 5}, 1)});
}

TEST_CASE("layer ops report bad shapes with the sizes involved", "[fast]") {
  using V = Var<cpu>;
  V x(Tensor<cpu>::zeros({2, 3, 8, 8}));
  CHECK_THROWS_WITH(conv2d(x, V(Tensor<cpu>::zeros({4, 2, 3, 3})), V()),
                    "conv2d: input has 3 channels but the weight [4, 2, 3, 3] expects 2");
  CHECK_THROWS_WITH(
      conv2d(V(Tensor<cpu>::zeros({2, 3, 8})), V(Tensor<cpu>::zeros({4, 3, 3, 3})), V()),
      "conv2d: expects input of shape [N, C, H, W], got [2, 3, 8]");
  CHECK_THROWS_WITH(conv2d(x, V(Tensor<cpu>::zeros({4, 3, 9, 9})), V()),
                    Catch::Contains("is too small for a 9x9 kernel"));
  CHECK_THROWS_WITH(linear(V(Tensor<cpu>::zeros({2, 5})), V(Tensor<cpu>::zeros({3, 4})), V()),
                    Catch::Contains("input [2, 5] and weight [3, 4] do not fit"));
  CHECK_THROWS_WITH(batch_norm(V(Tensor<cpu>::zeros({1, 3, 1, 1})), V(), V(), {}, {}),
                    Catch::Contains("expected more than 1 value per channel when training"));
  CHECK_THROWS_WITH(max_pool2d(x, 2, {.padding = 2}),
                    Catch::Contains("should be at most half of the kernel"));
  CHECK_THROWS_WITH(cross_entropy(V(Tensor<cpu>::zeros({2, 3})),
                                  Tensor<cpu, std::int64_t>::from({2}, {0, 1}), -100, 1.5),
                    Catch::Contains("label_smoothing is 1.5"));
}
