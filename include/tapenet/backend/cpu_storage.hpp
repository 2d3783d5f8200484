#pragma once
// The CPU backend's memory: enough to hold tensors in host memory, without its compute (OpenMP
// and Eigen, in backend/cpu.hpp). Data loading includes only this; a program that computes on the
// CPU includes cpu.hpp, which defines the four compute functions declared here.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string_view>

#include "tapenet/backend/block_cache.hpp"
#include "tapenet/core/backend.hpp"

namespace tapenet {

namespace detail {
// Host memory for the block cache: aligned for AVX-512.
struct HostMemory {
  static constexpr std::size_t alignment = 64;  // one cache line, one AVX-512 register
  static void* obtain(std::size_t bytes) { return std::aligned_alloc(alignment, bytes); }
  static void release(void* block) { std::free(block); }
  [[noreturn]] static void out_of_memory(std::size_t) { throw std::bad_alloc(); }
};
}  // namespace detail

// The CPU backend: host memory aligned for AVX-512, kernels spread over cores with OpenMP, and
// matrix products by Eigen (those four functions are defined in cpu.hpp).
struct cpu {
  static constexpr std::string_view name() { return "cpu"; }

  // No thread gets less than this many elements' work: handing out smaller chunks costs more
  // than it saves. Measured with tools/bench/parallel_grain.cpp on 2 cores: one thread wins below
  // about 1000 elements of a cheap kernel, two are 1.6x faster at 4096 each.
  static constexpr std::int64_t parallel_grain = 4096;

  template <class T>
  static std::shared_ptr<T> allocate(std::int64_t count) {
    return detail::BlockCache<detail::HostMemory>::instance().allocate<T>(count);
  }

  // Returns the cached free blocks to the operating system (like torch.cuda.empty_cache()).
  static void empty_cache() { detail::BlockCache<detail::HostMemory>::instance().clear(); }
  static std::size_t cached_bytes() {
    return detail::BlockCache<detail::HostMemory>::instance().cached_bytes();
  }

  template <class T>
  static void copy(T* out, const T* in, std::int64_t count) {
    if (count > 0) std::memcpy(out, in, static_cast<std::size_t>(count) * sizeof(T));
  }
  template <class T>
  static void upload(T* device_out, const T* host_in, std::int64_t count) {
    copy(device_out, host_in, count);
  }
  template <class T>
  static void download(T* host_out, const T* device_in, std::int64_t count) {
    copy(host_out, device_in, count);
  }

  template <class Kernel>
  static void for_each(std::int64_t count, Kernel kernel);
  template <class Kernel>
  static void for_each(std::int64_t count, Kernel kernel, std::int64_t work_per_call);
  template <class T>
  static T sum(const T* data, std::int64_t count);
  template <class T>
  static void gemm(bool transpose_a, bool transpose_b, std::int64_t m, std::int64_t n,
                   std::int64_t k, T alpha, const T* a, const T* b, T beta, T* c);
};

}  // namespace tapenet
