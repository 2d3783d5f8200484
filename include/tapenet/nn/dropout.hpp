#pragma once
#include "tapenet/core/random.hpp"
#include "tapenet/nn/activation.hpp"

namespace tapenet::nn {

// nn.Dropout(p): in training mode each element is zeroed with probability p and the others are
// scaled by 1 / (1 - p); in evaluation mode the input passes unchanged. Each forward pass draws a
// new mask: its number and the layer's seed (drawn from the default generator, so manual_seed
// makes runs repeat) pick it.
template <Backend B, class T = float>
struct Dropout : Stateless<B, T> {
  static constexpr const char* type_name = "Dropout";
  double p = 0.5;
  std::uint64_t seed = 0, calls = 0;

  explicit Dropout(double probability = 0.5) : p(probability) {
    if (!(p >= 0 && p <= 1)) fail("Dropout: p ", p, " must be between 0 and 1");
    seed = std::uint64_t(default_generator().next_u32()) << 32 | default_generator().next_u32();
  }
  template <Backend From>
  explicit Dropout(const Dropout<From, T>& other)  // nn::to
      : Stateless<B, T>(other), p(other.p), seed(other.seed), calls(other.calls) {}

  Var<B, T> operator()(const Var<B, T>& x) {
    if (!this->training || p == 0) return reported(this, x, x);
    return reported(this, x, dropout(x, kernels::DropoutMask{seed, calls++, p}));
  }
  TAPENET_MODULE_METHODS
};

}  // namespace tapenet::nn
