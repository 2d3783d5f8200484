#pragma once
#include <concepts>
#include <cstdint>
#include <memory>
#include <string_view>

#include "tapenet/core/config.hpp"

namespace tapenet {

namespace detail {
// A do-nothing kernel, only used to ask "can this backend run a kernel?" in the concept below.
struct ProbeKernel {
  TAPENET_HD void operator()(std::int64_t) const {}
};
}  // namespace detail

// What a backend must provide. Everything else (tensors, autograd ops, layers) is written once
// against these few primitives, so a new device needs only these.
//
//   allocate<T>(n)        memory for n elements on the device, freed when the last owner lets go
//   upload / download     copies between host memory and device memory
//   copy                  a copy within the device
//   for_each(n, kernel)   calls kernel(i) for every i in [0, n), in parallel, on the device
//   for_each(n, kernel, w)  the same, for kernels that do about w elements' work per call
//   sum(data, n)          the sum of n device elements, returned to the host
//   gemm(...)             C = alpha * op(A) * op(B) + beta * C on row-major matrices,
//                         op(X) = X or its transpose; the one kernel worth a vendor library
template <class B>
concept Backend = requires(std::int64_t n, float* out, const float* in, double* out_d,
                           const double* in_d, detail::ProbeKernel kernel) {
  { B::name() } -> std::convertible_to<std::string_view>;
  { B::template allocate<float>(n) } -> std::same_as<std::shared_ptr<float>>;
  B::upload(out, in, n);
  B::download(out, in, n);
  B::copy(out, in, n);
  B::for_each(n, kernel);
  B::for_each(n, kernel, n);
  { B::sum(in, n) } -> std::same_as<float>;
  { B::sum(in_d, n) } -> std::same_as<double>;
  B::gemm(false, true, n, n, n, 1.0f, in, in, 0.0f, out);
  B::gemm(true, false, n, n, n, 1.0, in_d, in_d, 0.0, out_d);
};

}  // namespace tapenet
