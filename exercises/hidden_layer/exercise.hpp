#pragma once
// Exercise hidden_layer: why a network needs a hidden layer, shown on XOR.
// Chapter 3 (docs/03-layers-and-convolution.md) teaches what to write here; the program
// examples/xor_mlp.cpp trains such a network.
// Grade it with:  exercises/grade.sh hidden_layer
//
// XOR's four points: (0, 0) and (1, 1) are class 0, (0, 1) and (1, 0) are class 1. A model gives
// each point two logits, one per class, and predicts the larger. LinearModel below computes
// logits = x W + b: its decision is on which side of one straight line a point lies, and no
// straight line puts (0, 0) and (1, 1) on one side and the other two points on the other. The
// checks train it and show that it cannot get all four right.
//
// Your model: a hidden layer of H units with a ReLU, then a linear layer to the two logits:
//
//     hidden = relu(x W1 + b1)     x [4, 2], W1 [2, H], b1 [H]
//     logits = hidden W2 + b2      W2 [H, 2], b2 [2]
//
// The checks train it (cross-entropy, gradient descent, learning rate 0.5) with several seeds and
// expect all four points right every time.
#include <vector>

#include "support/not_written.hpp"
#include "tapenet/autograd.hpp"

namespace exercise {

using Var = tapenet::Var<tapenet::cpu>;
using Tensor = tapenet::Tensor<tapenet::cpu>;

// Given: the model that cannot learn XOR.
struct LinearModel {
  Var weight, bias;

  explicit LinearModel(tapenet::Generator& generator)
      : weight(Tensor::uniform({2, 2}, -1.0f, 1.0f, generator), true),
        bias(Tensor::zeros({2}), true) {}

  Var forward(const Var& x) const { return matmul(x, weight) + bias; }
  std::vector<Var> parameters() const { return {weight, bias}; }
};

struct HiddenLayerModel {
  // TODO 1: the parameters: W1, b1, W2, b2 (Var members, each made with requires_grad = true).

  // TODO 2: create them. Draw the weights from `generator`, for instance
  // Tensor::uniform({2, H}, -1.0f, 1.0f, generator) (different seeds must give different
  // starting points), and start the biases at zero. How many hidden units? Try 2, then more.
  explicit HiddenLayerModel(tapenet::Generator& /*generator*/) {}

  // TODO 3: the logits [4, 2] of the points x [4, 2]: tapenet's matmul, + and relu.
  Var forward(const Var& /*x*/) const {
    not_written_yet("hidden_layer", "HiddenLayerModel::forward()");
  }

  // TODO 4: every parameter, so that training can update them.
  std::vector<Var> parameters() const { return {}; }
};

}  // namespace exercise
