#pragma once
// The GPU backend: ThrustBackend on Thrust's CUDA system. Device memory comes from the same block
// cache as the CPU's (cudaMalloc and cudaFree wait for the whole device, so a steady training step
// calls neither), every kernel is one of the functors the CPU runs, and matrix products go to
// cuBLAS. Everything runs in order on CUDA's default stream, so the host waits only when it reads
// a result back (to_vector(), item(), to<cpu>()).
//
// Compiled by nvcc only. A program compiled by g++ still has tapenet::cuda::is_available(), which
// is false there (tapenet.hpp declares it): the question has the same answer-shape everywhere.
#if !defined(__CUDACC__)
#error "tapenet/backend/cuda.hpp is compiled by nvcc only"
#endif
#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <thrust/system/cuda/execution_policy.h>

#include <climits>

#include "tapenet/backend/block_cache.hpp"
#include "tapenet/backend/thrust.hpp"
#include "tapenet/core/error.hpp"

namespace tapenet {

namespace detail {
inline void check_cuda(cudaError_t status, const char* what) {
  if (status != cudaSuccess) fail("cuda: ", what, " failed: ", cudaGetErrorString(status));
}

struct DeviceMemory {
  static constexpr std::size_t alignment = 512;  // sizes rounded up: more blocks fit a request
  static void* obtain(std::size_t bytes) {
    void* block = nullptr;
    if (cudaMalloc(&block, bytes) != cudaSuccess) {
      cudaGetLastError();  // clear the error, so the next call does not report it again
      return nullptr;
    }
    return block;
  }
  static void release(void* block) { cudaFree(block); }
  [[noreturn]] static void out_of_memory(std::size_t bytes) {
    std::size_t free = 0, total = 0;
    cudaMemGetInfo(&free, &total);
    fail("cuda: out of device memory: ", bytes, " bytes asked for, ", free, " of ", total, " free");
  }
};

// One cuBLAS handle for the program, made on first use.
inline cublasHandle_t cublas_handle() {
  static cublasHandle_t handle = [] {
    cublasHandle_t h = nullptr;
    if (cublasCreate(&h) != CUBLAS_STATUS_SUCCESS) fail("cuda: cublasCreate failed");
    return h;
  }();
  return handle;
}

inline bool& tf32_allowed() {
  static bool allowed = false;
  return allowed;
}
}  // namespace detail

struct CudaSystem {
  static constexpr std::string_view name = "cuda";
  // par_nosync: Thrust's plain cuda::par waits for every algorithm to finish before returning,
  // which would make each small kernel cost a round trip.
  static auto policy() { return thrust::cuda::par_nosync; }

  template <class T>
  static std::shared_ptr<T> allocate(std::int64_t count) {
    return detail::BlockCache<detail::DeviceMemory>::instance().allocate<T>(count);
  }
  template <class T>
  static void upload(T* out, const T* in, std::int64_t count) {
    detail::check_cuda(cudaMemcpy(out, in, count * sizeof(T), cudaMemcpyHostToDevice),
                       "cudaMemcpy to the device");
  }
  template <class T>
  static void download(T* out, const T* in, std::int64_t count) {
    detail::check_cuda(cudaMemcpy(out, in, count * sizeof(T), cudaMemcpyDeviceToHost),
                       "cudaMemcpy to the host");
  }
  template <class T>
  static void copy(T* out, const T* in, std::int64_t count) {
    detail::check_cuda(cudaMemcpyAsync(out, in, count * sizeof(T), cudaMemcpyDeviceToDevice),
                       "cudaMemcpyAsync on the device");
  }

  // Row-major C = alpha op(A) op(B) + beta C through column-major cuBLAS: a row-major matrix is
  // its transpose in column-major order, so cuBLAS computes C^T = op(B)^T op(A)^T instead.
  template <class T>
  static void gemm(bool transpose_a, bool transpose_b, std::int64_t m, std::int64_t n,
                   std::int64_t k, T alpha, const T* a, const T* b, T beta, T* c) {
    if (m > INT_MAX || n > INT_MAX || k > INT_MAX)
      fail("cuda: gemm of ", m, "x", k, " by ", k, "x", n, " is too large for cuBLAS");
    cublasHandle_t handle = detail::cublas_handle();
    const cublasOperation_t op_a = transpose_a ? CUBLAS_OP_T : CUBLAS_OP_N;
    const cublasOperation_t op_b = transpose_b ? CUBLAS_OP_T : CUBLAS_OP_N;
    const int lda = static_cast<int>(transpose_a ? m : k),
              ldb = static_cast<int>(transpose_b ? k : n);
    cublasStatus_t status;
    if constexpr (std::is_same_v<T, float>) {
      cublasSetMathMode(handle,
                        detail::tf32_allowed() ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH);
      status = cublasSgemm(handle, op_b, op_a, int(n), int(m), int(k), &alpha, b, ldb, a, lda,
                           &beta, c, int(n));
    } else {
      status = cublasDgemm(handle, op_b, op_a, int(n), int(m), int(k), &alpha, b, ldb, a, lda,
                           &beta, c, int(n));
    }
    if (status != CUBLAS_STATUS_SUCCESS)
      fail("cuda: cuBLAS gemm failed (status ", int(status), ")");
  }
};

struct cuda : ThrustBackend<CudaSystem> {
  // False, never a crash, without a GPU or a driver.
  static bool is_available() {
    int devices = 0;
    if (cudaGetDeviceCount(&devices) != cudaSuccess) {
      cudaGetLastError();
      return false;
    }
    return devices > 0;
  }

  // TF32 tensor cores for float matrix products: several times faster, about 10 bits of
  // mantissa instead of 23, like torch.backends.cuda.matmul.allow_tf32. Off by default, so
  // results match the CPU's.
  static void allow_tf32(bool on) { detail::tf32_allowed() = on; }

  // Waits for every kernel launched so far (for timing; reading a result back waits anyway).
  static void synchronize() { detail::check_cuda(cudaDeviceSynchronize(), "synchronize"); }

  static void empty_cache() { detail::BlockCache<detail::DeviceMemory>::instance().clear(); }
  static std::size_t cached_bytes() {
    return detail::BlockCache<detail::DeviceMemory>::instance().cached_bytes();
  }
  // The most device memory the program has held at once (like torch.cuda.max_memory_reserved).
  static std::size_t peak_reserved_bytes() {
    return detail::BlockCache<detail::DeviceMemory>::instance().peak_reserved_bytes();
  }
};
static_assert(Backend<cuda>);

}  // namespace tapenet
