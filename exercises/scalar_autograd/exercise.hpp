#pragma once
// Exercise scalar_autograd: a scalar autograd of your own, the size of micrograd.
// Chapter 2 (docs/02-autograd-the-tape.md) teaches what to write here.
// Grade it with:  exercises/grade.sh scalar_autograd
//
// A Value is one number plus the gradient of the final result with respect to it. Every
// operation makes a new Value that remembers its inputs and a "backward step": a function that
// receives the output's gradient and adds each input's share of it into that input's gradient
// (the chain rule):
//
//     out = f(a, b)   =>   a.grad += df/da * out.grad,   b.grad += df/db * out.grad
//
// It is +=, not =: a value used twice gets a share from each use.
// backward() runs the backward steps in the right order: a value's step may only run once its
// own gradient is complete, that is, after the steps of every value computed from it.
//
// What you write: the backward step of +, *, pow, relu and tanh (TODO 1 to 5), and backward()
// (TODO 6). Subtraction, negation and division are built from them, so they work once yours do.
// Tip: write backward() first; the checks of each operation need it.
#include <cmath>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "support/not_written.hpp"

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
  return Value::from_op(a.data() + b.data(), {a, b}, [a, b](double /*out_grad*/) {
    // TODO 1: d(a + b)/da = 1 and d(a + b)/db = 1, so  a.grad() += 1 * out_grad;  and the same
    // for b. (Un-comment the parameter's name, out_grad, and delete the not_written_yet line.)
    not_written_yet("scalar_autograd", "the backward step of a + b");
  });
}

inline Value operator*(const Value& a, const Value& b) {
  return Value::from_op(a.data() * b.data(), {a, b}, [a, b](double /*out_grad*/) {
    // TODO 2: d(a * b)/da = b and d(a * b)/db = a.
    not_written_yet("scalar_autograd", "the backward step of a * b");
  });
}

inline Value Value::pow(double exponent) const {
  Value a = *this;
  return from_op(std::pow(a.data(), exponent), {a}, [a, exponent](double /*out_grad*/) {
    // TODO 3: d(a^n)/da = n * a^(n - 1), for any fixed number n.
    not_written_yet("scalar_autograd", "the backward step of a.pow(n)");
  });
}

inline Value Value::relu() const {
  Value a = *this;
  return from_op(a.data() > 0 ? a.data() : 0.0, {a}, [a](double /*out_grad*/) {
    // TODO 4: relu(a) = max(a, 0); its derivative is 1 where a > 0 and 0 where a < 0.
    // At a = 0 exactly, PyTorch takes 0: do the same.
    not_written_yet("scalar_autograd", "the backward step of a.relu()");
  });
}

inline Value Value::tanh() const {
  Value a = *this;
  double t = std::tanh(a.data());
  return from_op(t, {a}, [a, t](double /*out_grad*/) {
    // TODO 5: d tanh(a)/da = 1 - tanh(a)^2, and tanh(a) is already computed: t.
    not_written_yet("scalar_autograd", "the backward step of a.tanh()");
  });
}

inline void Value::backward() const {
  // TODO 6: compute the gradient of this value with respect to every value that led to it.
  //  a. Put the values in topological order: each value after all of its inputs(). A
  //     depth-first walk does it: visit a value's inputs first, then append the value. Visit
  //     each value once (keep a std::set<const void*> of the id()s you have seen): a value used
  //     twice must not run its backward step twice.
  //  b. The gradient of this value with respect to itself is 1: grad() = 1.
  //  c. Walk the order backwards (outputs before inputs) and call run_backward_step() on each.
  not_written_yet("scalar_autograd", "Value::backward()");
}

// Built from the operations above: these need no backward step of their own.
inline Value operator-(const Value& a) { return a * -1.0; }
inline Value operator-(const Value& a, const Value& b) { return a + (-b); }
inline Value operator/(const Value& a, const Value& b) { return a * b.pow(-1); }

}  // namespace exercise
