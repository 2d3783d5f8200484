#pragma once
// Helpers for the gradient-check tests: seeded double-precision inputs, and a check that reports
// gradcheck's message when it fails.
#include <utility>
#include <vector>

#include "support/backends.hpp"

namespace tapenet::testing {

template <class B>
Var<B, double> gradcheck_input(Shape shape, std::uint64_t seed) {
  Generator generator(seed);
  return Var<B, double>(Tensor<B, double>::randn(std::move(shape), generator), true);
}

template <class B, class F>
void require_gradients_match(F f, std::vector<Var<B, double>> inputs) {
  auto result = gradcheck<B>(f, std::move(inputs));
  INFO(result.message);
  REQUIRE(result.ok);
}

}  // namespace tapenet::testing
