#pragma once
// The tutorial's `device = "cuda:0" if torch.cuda.is_available() else "cpu"`.
#include "tapenet/backend/cpu.hpp"
#if defined(__CUDACC__)
#include "tapenet/backend/cuda.hpp"
#else
namespace tapenet {
// Compiled without nvcc, a program has no GPU backend, but may still ask for one, as step 1 of the
// tutorial does. (tapenet::cuda is a backend only in programs compiled by nvcc.)
struct cuda {
  static bool is_available() { return false; }
};
}  // namespace tapenet
#endif

namespace tapenet {
// For code written once for any backend: body(cuda{}) in a program compiled by nvcc on a machine
// with a GPU, body(cpu{}) everywhere else.
template <class Body>
decltype(auto) on_default_device(Body&& body) {
#if defined(__CUDACC__)
  if (cuda::is_available()) return body(cuda{});
#endif
  return body(cpu{});
}
}  // namespace tapenet
