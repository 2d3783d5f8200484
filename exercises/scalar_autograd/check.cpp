// The checks of exercise scalar_autograd: each expression is computed with your Value, then
// backward() runs and every input's gradient is compared with the one PyTorch computed for the
// same expression (tools/torch_reference/make_exercise_fixtures.py).
#include EXERCISE_HEADER

#include <map>
#include <string>
#include <vector>

#include "support/check.hpp"

using exercise::Value;
using exercise_check::check_close;
using exercise_check::fixtures;

namespace {

// One fixture case: its inputs as Values, and the comparison of an expression's gradients.
class Case {
 public:
  Case(std::string name, const std::vector<std::string>& input_names) : name_(std::move(name)) {
    for (const auto& input : input_names)
      inputs_.emplace(input, Value(fixtures()[name_ + "." + input].scalar()));
  }

  Value operator[](const std::string& input) const { return inputs_.at(input); }

  void check_gradients(const Value& out) const {
    check_close("the value of the expression", fixtures()[name_ + ".out"].scalar(), out.data());
    out.backward();
    for (const auto& [input, value] : inputs_)
      check_close("the gradient with respect to " + input,
                  fixtures()[name_ + ".grad_" + input].scalar(), value.grad());
  }

 private:
  std::string name_;
  std::map<std::string, Value> inputs_;
};

}  // namespace

TEST_CASE("backward() gives the value it starts from the gradient 1") {
  Value a(3.0);
  a.backward();
  check_close("d a / d a", 1.0, a.grad());
}

TEST_CASE("a + b: each input gets the output's gradient") {
  Case c("sum", {"a", "b"});
  c.check_gradients(c["a"] + c["b"]);
}

TEST_CASE("a * b: each input gets the other input times the output's gradient") {
  Case c("product", {"a", "b"});
  c.check_gradients(c["a"] * c["b"]);
}

TEST_CASE("a * a + a: a value used three times adds up all three shares (+=, not =)") {
  Case c("used_twice", {"a"});
  c.check_gradients(c["a"] * c["a"] + c["a"]);
}

TEST_CASE("a - b - (-a): subtraction and negation, built from + and *") {
  Case c("difference", {"a", "b"});
  c.check_gradients(c["a"] - c["b"] - (-c["a"]));
}

TEST_CASE("a.pow(3) + b.pow(-1): the power rule n * a^(n - 1)") {
  Case c("power", {"a", "b"});
  c.check_gradients(c["a"].pow(3) + c["b"].pow(-1));
}

TEST_CASE("(a * b + c).tanh(): the derivative 1 - tanh^2") {
  Case c("tanh", {"a", "b", "c"});
  c.check_gradients((c["a"] * c["b"] + c["c"]).tanh());
}

TEST_CASE("relu: derivative 1 above zero, 0 below, and 0 at exactly zero as in PyTorch") {
  Case c("relu", {"a", "b", "c"});  // a = 2, b = -1, c = 0
  c.check_gradients(c["a"].relu() + c["b"].relu() + c["c"].relu());
}

TEST_CASE("a deep expression: each backward step runs once, after all the uses of its value") {
  Case c("deep", {"a", "b", "c"});
  Value a = c["a"], b = c["b"], x = a * b + c["c"];
  Value y = x.relu() * x + a;
  Value z = (y - b).pow(2) * (x * x + 1).pow(-1);
  c.check_gradients(z + y.tanh() * c["c"]);
}

TEST_CASE("a neuron: tanh(w1 * x1 + w2 * x2 + b)") {
  Case c("neuron", {"w1", "w2", "x1", "x2", "b"});
  c.check_gradients((c["w1"] * c["x1"] + c["w2"] * c["x2"] + c["b"]).tanh());
}

TEST_CASE("a 2-3-1 MLP on the XOR points: the loss and every weight's gradient match PyTorch") {
  auto values = [](const std::string& name) {
    std::vector<Value> out;
    for (double v : fixtures()["mlp." + name].values) out.emplace_back(v);
    return out;
  };
  std::vector<Value> w1 = values("w1"), b1 = values("b1"), w2 = values("w2"), b2 = values("b2");
  const auto& inputs = fixtures()["mlp.inputs"].values;
  const auto& targets = fixtures()["mlp.targets"].values;

  Value loss(0.0);
  for (std::size_t n = 0; n < targets.size(); ++n) {
    Value prediction = b2[0];
    for (std::size_t j = 0; j < b1.size(); ++j) {
      Value hidden = b1[j] + w1[2 * j] * inputs[2 * n] + w1[2 * j + 1] * inputs[2 * n + 1];
      prediction = prediction + w2[j] * hidden.tanh();
    }
    loss = loss + (prediction - targets[n]).pow(2);
  }
  check_close("the loss", fixtures()["mlp.loss"].scalar(), loss.data());
  loss.backward();
  auto grads = [](const std::vector<Value>& weights) {
    std::vector<double> out;
    for (const Value& w : weights) out.push_back(w.grad());
    return out;
  };
  check_close("the gradient of w1", fixtures()["mlp.grad_w1"], grads(w1));
  check_close("the gradient of b1", fixtures()["mlp.grad_b1"], grads(b1));
  check_close("the gradient of w2", fixtures()["mlp.grad_w2"], grads(w2));
  check_close("the gradient of b2", fixtures()["mlp.grad_b2"], grads(b2));
}
