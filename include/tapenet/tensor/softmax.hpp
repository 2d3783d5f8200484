#pragma once
#include <cstdint>

#include "tapenet/tensor/elementwise.hpp"
#include "tapenet/tensor/reduce.hpp"

namespace tapenet::kernels {

// log_softmax(x) = x - max - log(sum(exp(x - max))): subtracting the max first keeps exp() from
// overflowing and changes nothing mathematically.
template <class T>
struct LogSoftmaxKernel {
  const T* in;
  T* out;
  Lines lines;
  TAPENET_HD void operator()(std::int64_t line) const {
    std::int64_t first = lines.start(line), step = lines.inner;
    T largest = in[first];
    for (std::int64_t j = 1; j < lines.size; ++j)
      largest = device_max(largest, in[first + j * step]);
    T total = 0;
    for (std::int64_t j = 0; j < lines.size; ++j)
      total += device_exp(in[first + j * step] - largest);
    T shift = largest + device_log(total);
    for (std::int64_t j = 0; j < lines.size; ++j)
      out[first + j * step] = in[first + j * step] - shift;
  }
};

// d/dx of log_softmax: grad_x = grad_y - softmax(x) * sum(grad_y), softmax(x) = exp(y).
template <class T>
struct LogSoftmaxBackwardKernel {
  const T* y;
  const T* grad_y;
  T* grad_x;
  Lines lines;
  TAPENET_HD void operator()(std::int64_t line) const {
    std::int64_t first = lines.start(line), step = lines.inner;
    T total = 0;
    for (std::int64_t j = 0; j < lines.size; ++j) total += grad_y[first + j * step];
    for (std::int64_t j = 0; j < lines.size; ++j) {
      std::int64_t at = first + j * step;
      grad_x[at] = grad_y[at] - device_exp(y[at]) * total;
    }
  }
};

template <Backend B, class T>
Tensor<B, T> log_softmax(const Tensor<B, T>& x, int dim) {
  auto out = Tensor<B, T>::empty(x.shape());
  Lines lines(x.shape(), dim);
  B::for_each(lines.count(), LogSoftmaxKernel<T>{x.data(), out.data(), lines});
  return out;
}

template <Backend B, class T>
Tensor<B, T> log_softmax_backward(const Tensor<B, T>& y, const Tensor<B, T>& grad_y, int dim) {
  auto grad_x = Tensor<B, T>::empty(y.shape());
  Lines lines(y.shape(), dim);
  B::for_each(lines.count(),
              LogSoftmaxBackwardKernel<T>{y.data(), grad_y.data(), grad_x.data(), lines});
  return grad_x;
}

}  // namespace tapenet::kernels
