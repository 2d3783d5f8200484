#pragma once
#include "tapenet/backend/thrust.hpp"  // first: it picks Thrust's device system

#include <thrust/system/omp/execution_policy.h>

#include "tapenet/backend/cpu.hpp"

namespace tapenet {

// Thrust on its OpenMP system: the GPU backend's code, compiled by g++ and run on CPU cores.
// Memory is ordinary host memory, so it borrows the CPU backend's allocation and copies.
struct ThrustOmpSystem {
  static constexpr std::string_view name = "thrust_omp";
  static auto policy() { return thrust::omp::par; }

  template <class T>
  static std::shared_ptr<T> allocate(std::int64_t count) {
    return cpu::allocate<T>(count);
  }
  template <class T>
  static void upload(T* out, const T* in, std::int64_t count) {
    cpu::copy(out, in, count);
  }
  template <class T>
  static void download(T* out, const T* in, std::int64_t count) {
    cpu::copy(out, in, count);
  }
  template <class T>
  static void copy(T* out, const T* in, std::int64_t count) {
    cpu::copy(out, in, count);
  }
};

using thrust_omp = ThrustBackend<ThrustOmpSystem>;
static_assert(Backend<thrust_omp>);

}  // namespace tapenet
