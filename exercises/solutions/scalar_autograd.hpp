#pragma once
// The reference solution of exercises/scalar_autograd/exercise.hpp. Try the exercise first.
#include <cmath>
#include <functional>
#include <memory>
#include <set>
#include <utility>
#include <vector>

namespace exercise {

class Value {
  struct Node {
    double data = 0;
    double grad = 0;
    std::vector<Value> inputs;                  // the values this one was computed from
    std::function<void(double)> backward_step;  // receives this value's grad; empty for inputs
  };

 public:
  Value(double data) : node_(std::make_shared<Node>()) { node_->data = data; }  // NOLINT: 2 * x

  // A handle, like a Python name: copies of a Value share one number and one gradient.
  double& data() const { return node_->data; }
  double& grad() const { return node_->grad; }
  const std::vector<Value>& inputs() const { return node_->inputs; }
  // Tells values apart: two handles to the same value have the same id.
  const void* id() const { return node_.get(); }
  // Runs this value's backward step with its current gradient (nothing for an input value).
  void run_backward_step() const {
    if (node_->backward_step) node_->backward_step(node_->grad);
  }

  // The result of an operation: its value, its inputs, and its backward step.
  static Value from_op(double data, std::vector<Value> inputs,
                       std::function<void(double)> backward_step) {
    Value out(data);
    out.node_->inputs = std::move(inputs);
    out.node_->backward_step = std::move(backward_step);
    return out;
  }

  Value pow(double exponent) const;
  Value relu() const;
  Value tanh() const;

  // Sets the gradient of every value that led to this one: d(this)/d(value).
  void backward() const;

 private:
  std::shared_ptr<Node> node_;
};

inline Value operator+(const Value& a, const Value& b) {
  return Value::from_op(a.data() + b.data(), {a, b}, [a, b](double out_grad) {
    a.grad() += out_grad;
    b.grad() += out_grad;
  });
}

inline Value operator*(const Value& a, const Value& b) {
  return Value::from_op(a.data() * b.data(), {a, b}, [a, b](double out_grad) {
    a.grad() += b.data() * out_grad;
    b.grad() += a.data() * out_grad;
  });
}

inline Value Value::pow(double exponent) const {
  Value a = *this;
  return from_op(std::pow(a.data(), exponent), {a}, [a, exponent](double out_grad) {
    a.grad() += exponent * std::pow(a.data(), exponent - 1) * out_grad;
  });
}

inline Value Value::relu() const {
  Value a = *this;
  return from_op(a.data() > 0 ? a.data() : 0.0, {a},
                 [a](double out_grad) { a.grad() += (a.data() > 0 ? 1.0 : 0.0) * out_grad; });
}

inline Value Value::tanh() const {
  Value a = *this;
  double t = std::tanh(a.data());
  return from_op(t, {a}, [a, t](double out_grad) { a.grad() += (1 - t * t) * out_grad; });
}

inline void Value::backward() const {
  std::vector<Value> order;
  std::set<const void*> seen;
  std::function<void(const Value&)> visit = [&](const Value& value) {
    if (!seen.insert(value.id()).second) return;
    for (const Value& input : value.inputs()) visit(input);
    order.push_back(value);
  };
  visit(*this);
  grad() = 1;
  for (auto value = order.rbegin(); value != order.rend(); ++value) value->run_backward_step();
}

// Built from the operations above: these need no backward step of their own.
inline Value operator-(const Value& a) { return a * -1.0; }
inline Value operator-(const Value& a, const Value& b) { return a + (-b); }
inline Value operator/(const Value& a, const Value& b) { return a * b.pow(-1); }

}  // namespace exercise
