#pragma once
// The reference solution of exercises/hidden_layer/exercise.hpp. Try the exercise first.
#include <cstdint>
#include <vector>

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
  static constexpr std::int64_t hidden = 8;
  Var w1, b1, w2, b2;

  explicit HiddenLayerModel(tapenet::Generator& generator)
      : w1(Tensor::uniform({2, hidden}, -1.0f, 1.0f, generator), true),
        b1(Tensor::zeros({hidden}), true),
        w2(Tensor::uniform({hidden, 2}, -1.0f, 1.0f, generator), true),
        b2(Tensor::zeros({2}), true) {}

  Var forward(const Var& x) const { return matmul(relu(matmul(x, w1) + b1), w2) + b2; }
  std::vector<Var> parameters() const { return {w1, b1, w2, b2}; }
};

}  // namespace exercise
