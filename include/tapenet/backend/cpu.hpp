#pragma once
// The CPU backend's compute: kernels spread over cores by a pool of threads (thread_pool.hpp), and
// matrix products by Eigen, whose GEMM is blocked for the caches and vectorised. Its memory is in
// cpu_storage.hpp.
#include <Eigen/Core>
#include <algorithm>
#include <cstdint>
#include <vector>

#include "tapenet/backend/cpu_storage.hpp"
#include "tapenet/backend/thread_pool.hpp"
#include "tapenet/core/error.hpp"

namespace tapenet {

namespace detail {

// How many chunks to cut count items into: one per thread, but none with less than
// cpu::parallel_grain of work (each item is worth work_per_item) nor fewer than min_items items.
// (More chunks than threads, to share the work more finely, made training slower here, idle or
// busy: a thread that has finished its chunk can already take a late thread's whole chunk.)
inline std::int64_t chunk_count(std::int64_t count, std::int64_t work_per_item,
                                std::int64_t min_items = 1) {
  std::int64_t threads = ThreadPool::instance().threads();
  return std::max<std::int64_t>(
      1, std::min({threads, count / min_items, count * work_per_item / cpu::parallel_grain}));
}

// The first item of chunk `chunk` of `chunks` (and, for chunk + 1, one past its last).
inline std::int64_t chunk_begin(std::int64_t count, std::int64_t chunks, std::int64_t chunk) {
  return count * chunk / chunks;
}

// Calls body(begin, end) for each chunk of [0, count), on whichever threads are free.
template <class Body>
void parallel_for(std::int64_t count, std::int64_t work_per_item, const Body& body,
                  std::int64_t min_items = 1) {
  if (count <= 0) return;
  std::int64_t chunks = chunk_count(count, work_per_item, min_items);
  ThreadPool::instance().run(chunks, [&](std::int64_t chunk) {
    body(chunk_begin(count, chunks, chunk), chunk_begin(count, chunks, chunk + 1));
  });
}

// Eigen, compiled with OpenMP, would spread each product over its own threads; the pool does
// that instead (see cpu::gemm), so each of Eigen's products runs on the thread that calls it.
inline void keep_eigen_on_one_thread() { Eigen::setNbThreads(1); }

// C = alpha op(A) op(B) + beta C by Eigen on one thread, for matrices whose rows are ld_a, ld_b and
// ld_c elements apart (a block of a larger matrix).
template <class T>
void eigen_gemm(bool transpose_a, bool transpose_b, std::int64_t m, std::int64_t n, std::int64_t k,
                T alpha, const T* a, std::int64_t ld_a, const T* b, std::int64_t ld_b, T beta, T* c,
                std::int64_t ld_c) {
  using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using Stride = Eigen::OuterStride<>;
  Eigen::Map<const Matrix, 0, Stride> A(a, transpose_a ? k : m, transpose_a ? m : k, Stride(ld_a));
  Eigen::Map<const Matrix, 0, Stride> B(b, transpose_b ? n : k, transpose_b ? k : n, Stride(ld_b));
  Eigen::Map<Matrix, 0, Stride> C(c, m, n, Stride(ld_c));
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

}  // namespace detail

// Each chunk works on its own copy of the kernel: the compiler can then see that the kernel's
// fields (pointers, sizes) cannot change when the kernel writes its output, keep them in registers
// and vectorise the loop. With one shared copy it must reload them at every element.
template <class Kernel>
void cpu::for_each(std::int64_t count, Kernel kernel) {
  detail::parallel_for(count, 1, [&](std::int64_t begin, std::int64_t end) {
    const Kernel local = kernel;
#pragma omp simd
    for (std::int64_t i = begin; i < end; ++i) local(i);
  });
}

// For kernels whose every call does a row's or a channel's worth of work: few calls, each costly,
// so the grain is counted in elements of work rather than in calls. Each call has loops of its own
// for the compiler to vectorise, so the calls are not run as vector lanes.
template <class Kernel>
void cpu::for_each(std::int64_t count, Kernel kernel, std::int64_t work_per_call) {
  detail::parallel_for(count, work_per_call, [&](std::int64_t begin, std::int64_t end) {
    const Kernel local = kernel;
    for (std::int64_t i = begin; i < end; ++i) local(i);
  });
}

// Each chunk sums its own part and the parts are added in order: the same chunks give the same
// total, however the threads happen to share them.
template <class T>
T cpu::sum(const T* data, std::int64_t count) {
  std::int64_t chunks = detail::chunk_count(count, 1);
  std::vector<T> parts(std::size_t(chunks), T(0));
  detail::ThreadPool::instance().run(chunks, [&](std::int64_t chunk) {
    T part = 0;
    std::int64_t end = detail::chunk_begin(count, chunks, chunk + 1);
#pragma omp simd reduction(+ : part)
    for (std::int64_t i = detail::chunk_begin(count, chunks, chunk); i < end; ++i) part += data[i];
    parts[std::size_t(chunk)] = part;
  });
  T total = 0;
  for (T part : parts) total += part;
  return total;
}

namespace detail {

// C = alpha op(A) op(B) + beta C with the sum over k cut into blocks: each block's product goes to
// a buffer of its own, and the buffers are added in order. For products whose k dwarfs m and n (a
// convolution's weight gradient sums over every image and position): cutting C's columns instead
// would make every block copy (pack) all of the large A again.
template <class T>
void gemm_split_k(bool transpose_a, bool transpose_b, std::int64_t m, std::int64_t n,
                  std::int64_t k, T alpha, const T* a, const T* b, T beta, T* c) {
  std::int64_t ld_a = transpose_a ? m : k, ld_b = transpose_b ? k : n;
  std::int64_t blocks = chunk_count(k, std::max<std::int64_t>(1, m * n / 64), 256);
  std::vector<T> products(std::size_t(blocks * m * n));
  ThreadPool::instance().run(blocks, [&](std::int64_t block) {
    std::int64_t first = chunk_begin(k, blocks, block), last = chunk_begin(k, blocks, block + 1);
    const T* a_block = transpose_a ? a + first * ld_a : a + first;
    const T* b_block = transpose_b ? b + first : b + first * ld_b;
    eigen_gemm(transpose_a, transpose_b, m, n, last - first, T(1), a_block, ld_a, b_block, ld_b,
               T(0), products.data() + block * m * n, n);
  });
  parallel_for(m * n, blocks, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      T total = 0;
      for (std::int64_t block = 0; block < blocks; ++block)
        total += products[std::size_t(block * m * n + i)];
      c[i] = beta == T(0) ? alpha * total : alpha * total + beta * c[i];
    }
  });
}

}  // namespace detail

// C's columns, its rows or the sum over k cut into blocks, each block its own product on one
// thread. Eigen could spread one product over the threads itself, but its threads wait for each
// other at every step of the product: on a busy machine, for a switched-out one.
template <class T>
void cpu::gemm(bool transpose_a, bool transpose_b, std::int64_t m, std::int64_t n, std::int64_t k,
               T alpha, const T* a, const T* b, T beta, T* c) {
  static const bool once = (detail::keep_eigen_on_one_thread(), true);
  (void)once;
  if (k >= 8 * std::max(m, n) && detail::ThreadPool::instance().threads() > 1)
    return detail::gemm_split_k(transpose_a, transpose_b, m, n, k, alpha, a, b, beta, c);
  std::int64_t ld_a = transpose_a ? m : k, ld_b = transpose_b ? k : n;
  // a column of C is worth m*k multiply-adds; parallel_grain counts cheap elements, ~64 of them
  if (n >= m) {
    detail::parallel_for(
        n, std::max<std::int64_t>(1, m * k / 64),
        [&](std::int64_t begin, std::int64_t end) {
          const T* b_block = transpose_b ? b + begin * ld_b : b + begin;
          detail::eigen_gemm(transpose_a, transpose_b, m, end - begin, k, alpha, a, ld_a, b_block,
                             ld_b, beta, c + begin, n);
        },
        64);
  } else {
    detail::parallel_for(
        m, std::max<std::int64_t>(1, n * k / 64),
        [&](std::int64_t begin, std::int64_t end) {
          const T* a_block = transpose_a ? a + begin : a + begin * ld_a;
          detail::eigen_gemm(transpose_a, transpose_b, end - begin, n, k, alpha, a_block, ld_a, b,
                             ld_b, beta, c + begin * n, n);
        },
        32);
  }
}

// How many threads the CPU kernels use (like torch.set_num_threads). By default every core the
// process may use (or OMP_NUM_THREADS), less those other programs keep busy (free_cores.hpp);
// set_num_threads(n) fixes the count at n, however busy the machine.
inline void set_num_threads(int threads) {
  if (threads < 1) fail("set_num_threads: got ", threads, ", expected at least 1");
  detail::ThreadPool::instance().pin(threads);
  detail::keep_eigen_on_one_thread();
}
inline int get_num_threads() { return detail::ThreadPool::instance().threads(); }

static_assert(Backend<cpu>);

}  // namespace tapenet
