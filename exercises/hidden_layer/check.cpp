// The checks of exercise hidden_layer: the given linear model cannot fit XOR, and yours, with a
// hidden layer, must fit it from several random starting points.
#include EXERCISE_HEADER

#include <cmath>
#include <cstdint>
#include <vector>

#include "support/check.hpp"
#include "tapenet/optim/sgd.hpp"

using namespace tapenet;
using exercise::HiddenLayerModel;
using exercise::LinearModel;

namespace {

constexpr int steps = 1000;
constexpr double learning_rate = 0.5;
const std::vector<std::uint64_t> seeds = {1, 2, 3, 4, 5};

Var<cpu> points() { return Var<cpu>(Tensor<cpu>::from({4, 2}, {0, 0, 0, 1, 1, 0, 1, 1})); }
Tensor<cpu, std::int64_t> labels() { return Tensor<cpu, std::int64_t>::from({4}, {0, 1, 1, 0}); }

struct Trained {
  double loss;  // the mean cross-entropy after training
  int correct;  // of the four points
};

// Full-batch gradient descent on the four points, as examples/xor_mlp.cpp does.
template <class Model>
Trained train(Model& model) {
  Tape::active().clear();  // a check that failed mid-way may have left entries behind
  optim::SGD<cpu> sgd(model.parameters(), {.lr = learning_rate});
  for (int step = 0; step < steps; ++step) {
    sgd.zero_grad();
    cross_entropy(model.forward(points()), labels()).backward();
    sgd.step();
  }
  NoGradGuard no_grad;
  Var<cpu> logits = model.forward(points());
  double loss = cross_entropy(logits, labels()).item();
  int correct = int((argmax(logits.value(), 1) == labels()).sum().item());
  return {loss, correct};
}

}  // namespace

// Why ln 2: the loss is convex in (W, b), and swapping x -> (1, 1) - x maps XOR onto itself
// while turning any linear model into another linear model with the same loss. The average of the
// two, which by convexity is no worse, has the same logit difference at every point: it predicts
// 1/2 for both classes, which costs ln 2 per point. So no linear model gets below ln 2.
TEST_CASE("the given linear model cannot fit XOR: loss >= ln 2, at most 3 of 4 right") {
  for (std::uint64_t seed : seeds) {
    Generator generator(seed);
    LinearModel model(generator);
    Trained result = train(model);
    INFO("seed " << seed << ": loss " << result.loss << ", " << result.correct << " of 4 right");
    CHECK(result.loss >= std::log(2.0) - 1e-4);
    CHECK(result.correct <= 3);
  }
}

TEST_CASE("forward() gives 2 logits for each of the 4 points: shape [4, 2]") {
  Generator generator(1);
  HiddenLayerModel model(generator);
  Var<cpu> logits = model.forward(points());
  INFO("forward() returned shape " << logits.shape().str());
  CHECK(logits.shape() == Shape{4, 2});
}

TEST_CASE("parameters() lists the weights and biases, and each one gets a gradient") {
  Tape::active().clear();
  Generator generator(1);
  HiddenLayerModel model(generator);
  auto parameters = model.parameters();
  INFO("parameters() returned " << parameters.size() << " variables");
  REQUIRE(parameters.size() >= 4);
  cross_entropy(model.forward(points()), labels()).backward();
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    INFO("parameter " << i << " of shape " << parameters[i].shape().str());
    CHECK(parameters[i].requires_grad());
    CHECK(parameters[i].grad().defined());
  }
}

TEST_CASE("your model learns XOR: 4 of 4 right after 1000 steps, from each of 5 seeds") {
  for (std::uint64_t seed : seeds) {
    Generator generator(seed);
    HiddenLayerModel model(generator);
    Trained result = train(model);
    INFO("seed " << seed << ": loss " << result.loss << ", " << result.correct << " of 4 right");
    CHECK(result.correct == 4);
  }
}
