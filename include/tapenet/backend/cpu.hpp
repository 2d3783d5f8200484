#pragma once
// The CPU backend's compute: kernels spread over cores with OpenMP, and matrix products by Eigen,
// whose GEMM is blocked for the caches and vectorised. Its memory is in cpu_storage.hpp.
#include <omp.h>

#include <Eigen/Core>
#include <cstdint>

#include "tapenet/backend/cpu_storage.hpp"
#include "tapenet/core/error.hpp"

namespace tapenet {

// Each thread works on its own copy of the kernel: the compiler can then see that the kernel's
// fields (pointers, sizes) cannot change when the kernel writes its output, keep them in registers
// and vectorise the loop. With one shared copy it must reload them at every element.
template <class Kernel>
void cpu::for_each(std::int64_t count, Kernel kernel) {
#pragma omp parallel if (count >= parallel_grain)
  {
    const Kernel local = kernel;
#pragma omp for simd schedule(static)
    for (std::int64_t i = 0; i < count; ++i) local(i);
  }
}

// For kernels whose every call does a row's or a channel's worth of work: few calls, each costly,
// so the grain is counted in elements of work rather than in calls.
template <class Kernel>
void cpu::for_each(std::int64_t count, Kernel kernel, std::int64_t work_per_call) {
#pragma omp parallel if (count > 1 && count * work_per_call >= parallel_grain)
  {
    const Kernel local = kernel;
#pragma omp for schedule(static)
    for (std::int64_t i = 0; i < count; ++i) local(i);
  }
}

template <class T>
T cpu::sum(const T* data, std::int64_t count) {
  T total = 0;
#pragma omp parallel for reduction(+ : total) schedule(static) if (count >= parallel_grain)
  for (std::int64_t i = 0; i < count; ++i) total += data[i];
  return total;
}

template <class T>
void cpu::gemm(bool transpose_a, bool transpose_b, std::int64_t m, std::int64_t n, std::int64_t k,
               T alpha, const T* a, const T* b, T beta, T* c) {
  using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  Eigen::Map<const Matrix> A(a, transpose_a ? k : m, transpose_a ? m : k);
  Eigen::Map<const Matrix> B(b, transpose_b ? n : k, transpose_b ? k : n);
  Eigen::Map<Matrix> C(c, m, n);
  auto multiply = [&](const auto& op_a, const auto& op_b) {
    if (beta == T(0)) {
      C.noalias() = alpha * (op_a * op_b);  // C may hold garbage: never read it
    } else {
      if (beta != T(1)) C *= beta;
      C.noalias() += alpha * (op_a * op_b);
    }
  };
  if (!transpose_a && !transpose_b)
    multiply(A, B);
  else if (!transpose_a)
    multiply(A, B.transpose());
  else if (!transpose_b)
    multiply(A.transpose(), B);
  else
    multiply(A.transpose(), B.transpose());
}

// How many threads the CPU kernels and Eigen's GEMM use (like torch.set_num_threads).
// The default is every core the machine has.
inline void set_num_threads(int threads) {
  if (threads < 1) fail("set_num_threads: got ", threads, ", expected at least 1");
  omp_set_num_threads(threads);
  Eigen::setNbThreads(threads);
}
inline int get_num_threads() { return omp_get_max_threads(); }

static_assert(Backend<cpu>);

}  // namespace tapenet
