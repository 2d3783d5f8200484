#pragma once
// Off the GPU, Thrust runs on its OpenMP system. Thrust's default device system is CUDA, whose
// headers it then includes even for OpenMP code, so a g++ build picks OpenMP before the first
// Thrust header (include tapenet's Thrust backends before any Thrust header of your own).
#if !defined(__CUDACC__) && !defined(THRUST_DEVICE_SYSTEM)
#define THRUST_DEVICE_SYSTEM THRUST_DEVICE_SYSTEM_OMP
#endif
#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "tapenet/core/backend.hpp"

namespace tapenet {

namespace detail {
// C = alpha * op(A) * op(B) + beta * C, one output element per call. Strides let the same loop
// read A or its transpose: element (i, p) of op(A) is a[i * a_row + p * a_col].
template <class T>
struct SimpleGemmKernel {
  const T* a;
  const T* b;
  T* c;
  std::int64_t n, k, a_row, a_col, b_row, b_col;
  T alpha, beta;
  TAPENET_HD void operator()(std::int64_t index) const {
    std::int64_t i = index / n, j = index % n;
    T total = 0;
    for (std::int64_t p = 0; p < k; ++p)
      total += a[i * a_row + p * a_col] * b[p * b_row + j * b_col];
    c[index] = beta == T(0) ? alpha * total : alpha * total + beta * c[index];
  }
};

// Sums one slice of the data; the slices' sums are then added on the host.
template <class T>
struct SliceSumKernel {
  const T* data;
  T* slice_sums;
  std::int64_t count, slice;
  TAPENET_HD void operator()(std::int64_t s) const {
    std::int64_t end = (s + 1) * slice < count ? (s + 1) * slice : count;
    T total = 0;
    for (std::int64_t i = s * slice; i < end; ++i) total += data[i];
    slice_sums[s] = total;
  }
};
}  // namespace detail

// A backend made of Thrust algorithms. System says where they run (thrust's OpenMP system on the
// CPU, its CUDA system on a GPU) and how memory is allocated and copied there. The kernels
// themselves are the same functors every backend runs, so testing this backend on the CPU tests
// the code the GPU will run.
template <class System>
struct ThrustBackend {
  static constexpr std::string_view name() { return System::name; }

  template <class T>
  static std::shared_ptr<T> allocate(std::int64_t count) {
    return System::template allocate<T>(count);
  }
  template <class T>
  static void upload(T* device_out, const T* host_in, std::int64_t count) {
    if (count > 0) System::upload(device_out, host_in, count);
  }
  template <class T>
  static void download(T* host_out, const T* device_in, std::int64_t count) {
    if (count > 0) System::download(host_out, device_in, count);
  }
  template <class T>
  static void copy(T* out, const T* in, std::int64_t count) {
    if (count > 0) System::copy(out, in, count);
  }

  template <class Kernel>
  static void for_each(std::int64_t count, Kernel kernel) {
    if (count <= 0) return;
    thrust::for_each(System::policy(), thrust::counting_iterator<std::int64_t>(0),
                     thrust::counting_iterator<std::int64_t>(count), kernel);
  }

  // Thrust splits the calls its own way whatever the work per call (on a GPU: blocks of 256
  // threads, two calls per thread).
  template <class Kernel>
  static void for_each(std::int64_t count, Kernel kernel, std::int64_t /*work_per_call*/) {
    for_each(count, kernel);
  }

  // Two passes: up to 1024 slices summed in parallel, then their sums added in order. The result
  // does not depend on the thread count, and the code is the same for every System.
  template <class T>
  static T sum(const T* data, std::int64_t count) {
    if (count <= 0) return T(0);
    std::int64_t slice = (count + 1023) / 1024, slices = (count + slice - 1) / slice;
    auto slice_sums = allocate<T>(slices);
    for_each(slices, detail::SliceSumKernel<T>{data, slice_sums.get(), count, slice});
    std::vector<T> host(static_cast<std::size_t>(slices));
    download(host.data(), slice_sums.get(), slices);
    T total = 0;
    for (T partial : host) total += partial;
    return total;
  }

  // The System's own GEMM when it has one (cuBLAS), else the simple kernel, correct everywhere.
  template <class T>
  static void gemm(bool transpose_a, bool transpose_b, std::int64_t m, std::int64_t n,
                   std::int64_t k, T alpha, const T* a, const T* b, T beta, T* c) {
    if (m <= 0 || n <= 0) return;
    if constexpr (requires {
                    System::gemm(transpose_a, transpose_b, m, n, k, alpha, a, b, beta, c);
                  })
      System::gemm(transpose_a, transpose_b, m, n, k, alpha, a, b, beta, c);
    else
      for_each(m * n,
               detail::SimpleGemmKernel<T>{a, b, c, n, k, transpose_a ? 1 : k, transpose_a ? m : 1,
                                           transpose_b ? 1 : n, transpose_b ? k : 1, alpha, beta});
  }
};

}  // namespace tapenet
