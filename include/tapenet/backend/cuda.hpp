#pragma once
// The CUDA system for ThrustBackend: device memory and copies through the CUDA runtime, kernels
// launched by Thrust. Compiled only by nvcc. (The full GPU backend, with cuBLAS and a caching
// allocator, is built on this in a later step of the course.)
#if !defined(__CUDACC__)
#error "tapenet/backend/cuda.hpp is compiled by nvcc only"
#endif
#include <cuda_runtime.h>
#include <thrust/system/cuda/execution_policy.h>

#include "tapenet/backend/thrust.hpp"
#include "tapenet/core/error.hpp"

namespace tapenet {

struct CudaSystem {
  static constexpr std::string_view name = "cuda";
  static auto policy() { return thrust::cuda::par; }

  static void check(cudaError_t status, const char* what) {
    if (status != cudaSuccess) fail("cuda: ", what, " failed: ", cudaGetErrorString(status));
  }

  template <class T>
  static std::shared_ptr<T> allocate(std::int64_t count) {
    void* memory = nullptr;
    std::size_t bytes = static_cast<std::size_t>(count > 0 ? count : 1) * sizeof(T);
    check(cudaMalloc(&memory, bytes), "cudaMalloc");
    return std::shared_ptr<T>(static_cast<T*>(memory), [](T* p) { cudaFree(p); });
  }
  template <class T>
  static void upload(T* out, const T* in, std::int64_t count) {
    check(cudaMemcpy(out, in, count * sizeof(T), cudaMemcpyHostToDevice),
          "cudaMemcpy to the device");
  }
  template <class T>
  static void download(T* out, const T* in, std::int64_t count) {
    check(cudaMemcpy(out, in, count * sizeof(T), cudaMemcpyDeviceToHost), "cudaMemcpy to the host");
  }
  template <class T>
  static void copy(T* out, const T* in, std::int64_t count) {
    check(cudaMemcpy(out, in, count * sizeof(T), cudaMemcpyDeviceToDevice),
          "cudaMemcpy on the device");
  }
};

struct cuda : ThrustBackend<CudaSystem> {
  // False, never a crash, without a GPU or a driver.
  static bool is_available() {
    int devices = 0;
    return cudaGetDeviceCount(&devices) == cudaSuccess && devices > 0;
  }
};
static_assert(Backend<cuda>);

}  // namespace tapenet
