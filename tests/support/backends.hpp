#pragma once
// The backends every backend-generic test runs on: the Eigen CPU backend and the GPU backend's
// Thrust code on the OpenMP system; compiled by nvcc (tests/cuda), the CPU and the GPU itself.
#include <cmath>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tapenet/backend/thrust_omp.hpp"
#include "tapenet/tapenet.hpp"

#if defined(__CUDACC__)
#define TAPENET_BACKENDS tapenet::cpu, tapenet::cuda
#else
#define TAPENET_BACKENDS tapenet::cpu, tapenet::thrust_omp
#endif

namespace tapenet::testing {

// Every element within atol + rtol * |expected|, and the same shape; the message names the first
// element that is off.
template <Backend B, class T, Backend E, class U>
void require_close(const Tensor<B, T>& actual, const Tensor<E, U>& expected, double rtol = 1e-5,
                   double atol = 1e-6) {
  INFO("shapes: " << actual.shape() << " vs expected " << expected.shape());
  REQUIRE(actual.shape() == expected.shape());
  auto a = actual.to_vector();
  auto e = expected.to_vector();
  for (std::size_t i = 0; i < a.size(); ++i) {
    double difference = std::abs(double(a[i]) - double(e[i]));
    if (!(difference <= atol + rtol * std::abs(double(e[i])))) {
      FAIL("element " << i << ": got " << double(a[i]) << ", expected " << double(e[i]));
    }
  }
}

}  // namespace tapenet::testing
