#include "support/backends.hpp"

using namespace tapenet;

// These tests count the tape's entries; a test run before them in the same process may have left
// a forward pass without backward() on it.
void start_with_an_empty_tape() { Tape::active().clear(); }

TEMPLATE_TEST_CASE("backward() fills leaf gradients and empties the tape", "[fast]",
                   TAPENET_BACKENDS) {
  using B = TestType;
  start_with_an_empty_tape();
  Var<B> x(Tensor<B>::from({3}, {1, -2, 3}), true);
  Var<B> w(Tensor<B>::from({3}, {0.5f, 0.5f, 2}), true);
  auto y = sum(relu(x * w));  // relu(x*w) = [0.5, 0, 6]
  CHECK(y.item() == 6.5f);
  CHECK(Tape::active().size() == 3);
  y.backward();
  CHECK(Tape::active().size() == 0);
  CHECK(x.grad().to_vector() == std::vector<float>{0.5f, 0.0f, 2.0f});
  CHECK(w.grad().to_vector() == std::vector<float>{1.0f, 0.0f, 3.0f});
  CHECK(x.is_leaf());
  CHECK_FALSE(y.is_leaf());
}

TEMPLATE_TEST_CASE("gradients accumulate until zero_grad()", "[fast]", TAPENET_BACKENDS) {
  using B = TestType;
  Var<B> x(Tensor<B>::from({2}, {1, 2}), true);
  sum(x * x).backward();
  sum(x * x).backward();
  CHECK(x.grad().to_vector() == std::vector<float>{4, 8});  // 2 * (2x)
  x.zero_grad();
  CHECK_FALSE(x.grad().defined());
  sum(x).backward();
  CHECK(x.grad().to_vector() == std::vector<float>{1, 1});
}

TEMPLATE_TEST_CASE("backward() twice, or from a non-scalar, is a clear error", "[fast]",
                   TAPENET_BACKENDS) {
  using B = TestType;
  Var<B> x(Tensor<B>::ones({2, 2}), true);
  auto y = relu(x);
  CHECK_THROWS_WITH(y.backward(), Catch::Contains("needs a scalar") && Catch::Contains("[2, 2]"));
  Tape::active().clear();

  auto loss = mean(relu(x));
  loss.backward();
  CHECK_THROWS_WITH(loss.backward(), Catch::Contains("already walked"));

  Var<B> constant(Tensor<B>::ones({1}));
  CHECK_THROWS_WITH(sum(constant).backward(), Catch::Contains("does not require grad"));
}

TEMPLATE_TEST_CASE("NoGradGuard records nothing", "[fast]", TAPENET_BACKENDS) {
  using B = TestType;
  start_with_an_empty_tape();
  Var<B> x(Tensor<B>::ones({4}), true);
  {
    NoGradGuard no_grad;
    auto y = mean(relu(x * x));
    CHECK(Tape::active().size() == 0);
    CHECK_FALSE(y.requires_grad());
    CHECK_FALSE(is_grad_enabled());
    { NoGradGuard nested; }
    CHECK_FALSE(is_grad_enabled());  // the inner guard restores "off", not "on"
  }
  CHECK(is_grad_enabled());
  auto z = sum(x);
  CHECK(Tape::active().size() == 1);
  z.backward();
}

TEMPLATE_TEST_CASE("ops on variables that need no gradient are not recorded", "[fast]",
                   TAPENET_BACKENDS) {
  using B = TestType;
  start_with_an_empty_tape();
  Var<B> a(Tensor<B>::ones({3})), b(Tensor<B>::ones({3}));
  auto c = a + b;
  CHECK(Tape::active().size() == 0);
  CHECK_FALSE(c.requires_grad());
}

TEMPLATE_TEST_CASE("the tape frees recorded activations after backward()", "[fast]",
                   TAPENET_BACKENDS) {
  using B = TestType;
  Var<B> w(Tensor<B>::randn({3, 2}), true);
  auto input = Tensor<B>::randn({4, 3});
  long alone = input.use_count();
  {
    auto loss = mean(relu(matmul(Var<B>(input), w)));
    CHECK(input.use_count() > alone);  // matmul's entry keeps its input for the backward pass
    loss.backward();
  }
  CHECK(input.use_count() == alone);
  CHECK(w.grad().defined());
}

TEMPLATE_TEST_CASE("op errors name the shapes involved", "[fast]", TAPENET_BACKENDS) {
  using B = TestType;
  Var<B> a(Tensor<B>::ones({2, 3}), true), b(Tensor<B>::ones({4, 5}), true);
  CHECK_THROWS_WITH(matmul(a, b), Catch::Contains("[2, 3]") && Catch::Contains("[4, 5]"));
  CHECK_THROWS_WITH(a + b, Catch::Contains("cannot broadcast"));
  CHECK_THROWS_WITH(log_softmax(a, 2), Catch::Contains("dim 2"));
  CHECK_THROWS_WITH(flatten(a, 2), Catch::Contains("not valid"));
  auto labels = Tensor<B, std::int64_t>::from({2}, {0, 3});
  CHECK_THROWS_WITH(cross_entropy(a, labels),
                    "cross_entropy: target 3 is out of range: expected a class index in [0, 3)");
  auto wrong_count = Tensor<B, std::int64_t>::from({3}, {0, 1, 2});
  CHECK_THROWS_WITH(nll_loss(a, wrong_count),
                    "nll_loss: target has shape [3], expected [2] (one class index per sample)");
  // the checks speak for the function called, nn::CrossEntropyLoss included
  CHECK_THROWS_WITH(cross_entropy(a, wrong_count),
                    "cross_entropy: target has shape [3], expected [2] (one class index per "
                    "sample)");
  CHECK_THROWS_WITH(nn::CrossEntropyLoss{}(a, wrong_count), Catch::StartsWith("cross_entropy: "));
  CHECK_THROWS_WITH(nn::CrossEntropyLoss{{.label_smoothing = -1}}(a, labels),
                    "cross_entropy: label_smoothing is -1, expected a value in [0, 1]");
  Var<B> flat(Tensor<B>::ones({3}), true);
  CHECK_THROWS_WITH(cross_entropy(flat, labels),
                    "cross_entropy: expects logits of shape [N, C], got [3]");
  CHECK_THROWS_WITH(nll_loss(flat, labels),
                    "nll_loss: expects log-probabilities of shape [N, C], got [3]");
  CHECK_THROWS_WITH(mean(Var<B>(Tensor<B>::zeros({0}), true)), Catch::Contains("empty"));
  Tape::active().clear();
}

TEMPLATE_TEST_CASE("to_dot() draws the recorded graph", "[fast]", TAPENET_BACKENDS) {
  using B = TestType;
  Var<B> x(Tensor<B>::ones({2, 3}));
  Var<B> w(Tensor<B>::ones({3, 4}), true);
  w.set_name("w");
  auto loss = mean(relu(matmul(x, w)));
  std::string dot = Tape::active().to_dot();
  CHECK_THAT(dot, Catch::StartsWith("digraph tape {"));
  for (auto op : {"matmul", "relu", "mean"})
    CHECK_THAT(dot, Catch::Contains(std::string("label=\"") + op));
  CHECK_THAT(dot, Catch::Contains("w\\n[3, 4]"));
  CHECK_THAT(dot, Catch::Contains("v0 -> op0;"));  // x into matmul
  CHECK_THAT(dot, Catch::Contains("op2 -> v"));    // mean's output
  loss.backward();
  CHECK(Tape::active().to_dot().find("op0") == std::string::npos);
}
