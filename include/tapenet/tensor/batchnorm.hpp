#pragma once
// Batch normalisation over [N, C, P] data (P = H * W): every channel is shifted and scaled to zero
// mean and unit variance, then by its learned weight and bias.
#include <math.h>

#include <cstdint>

#include "tapenet/core/config.hpp"

namespace tapenet::kernels {

struct BatchNormGeometry {
  std::int64_t batch, channels, plane;
  TAPENET_HD std::int64_t per_channel() const { return batch * plane; }
};

// Training: one call per channel computes the batch's mean and 1/sqrt(var + eps) with the biased
// variance, and moves the running statistics towards them (with the unbiased variance, as
// PyTorch does). Sums are in double: a channel can hold hundreds of thousands of values.
template <class T>
struct BatchStatisticsKernel {
  const T* x;
  T* mean;
  T* inverse_std;
  T* running_mean;  // null when not tracked
  T* running_var;
  BatchNormGeometry g;
  double eps, momentum;
  TAPENET_HD void operator()(std::int64_t c) const {
    double count = double(g.per_channel()), total = 0;
    for (std::int64_t n = 0; n < g.batch; ++n) {
      const T* values = x + (n * g.channels + c) * g.plane;
      for (std::int64_t p = 0; p < g.plane; ++p) total += values[p];
    }
    double average = total / count, squares = 0;
    for (std::int64_t n = 0; n < g.batch; ++n) {
      const T* values = x + (n * g.channels + c) * g.plane;
      for (std::int64_t p = 0; p < g.plane; ++p) {
        double centred = values[p] - average;
        squares += centred * centred;
      }
    }
    double variance = squares / count;
    mean[c] = T(average);
    inverse_std[c] = T(1.0 / ::sqrt(variance + eps));
    if (running_mean) {
      running_mean[c] = T((1 - momentum) * running_mean[c] + momentum * average);
      running_var[c] = T((1 - momentum) * running_var[c] + momentum * squares / (count - 1));
    }
  }
};

// Evaluation: the running statistics take the place of the batch's.
template <class T>
struct RunningStatisticsKernel {
  const T* running_mean;
  const T* running_var;
  T* mean;
  T* inverse_std;
  double eps;
  TAPENET_HD void operator()(std::int64_t c) const {
    mean[c] = running_mean[c];
    inverse_std[c] = T(1.0 / ::sqrt(double(running_var[c]) + eps));
  }
};

// y = (x - mean) * inverse_std * weight + bias, one call per (n, c) plane.
template <class T>
struct BatchNormApplyKernel {
  const T* x;
  const T* mean;
  const T* inverse_std;
  const T* weight;  // null without affine
  const T* bias;
  T* y;
  BatchNormGeometry g;
  TAPENET_HD void operator()(std::int64_t n_c) const {
    std::int64_t c = n_c % g.channels;
    T scale = inverse_std[c] * (weight ? weight[c] : T(1));
    T shift = (bias ? bias[c] : T(0)) - mean[c] * scale;
    const T* in = x + n_c * g.plane;
    T* out = y + n_c * g.plane;
    for (std::int64_t p = 0; p < g.plane; ++p) out[p] = in[p] * scale + shift;
  }
};

// Per channel: sum(dy) and sum(dy * x_hat), with x_hat = (x - mean) * inverse_std. They are the
// bias's and the weight's gradients, and the two corrections that training-mode backward needs.
template <class T>
struct BatchNormGradSumsKernel {
  const T* x;
  const T* grad_y;
  const T* mean;
  const T* inverse_std;
  T* sum_grad;
  T* sum_grad_x_hat;
  BatchNormGeometry g;
  TAPENET_HD void operator()(std::int64_t c) const {
    double total = 0, weighted = 0;
    for (std::int64_t n = 0; n < g.batch; ++n) {
      std::int64_t offset = (n * g.channels + c) * g.plane;
      for (std::int64_t p = 0; p < g.plane; ++p) {
        double dy = grad_y[offset + p];
        total += dy;
        weighted += dy * (x[offset + p] - mean[c]);
      }
    }
    sum_grad[c] = T(total);
    sum_grad_x_hat[c] = T(weighted * inverse_std[c]);
  }
};

// dx, one call per (n, c) plane. In training the mean and variance depend on every x, which
// subtracts the mean of dy and the part of dy along x_hat:
//   dx = weight * inverse_std * (dy - sum(dy) / M - x_hat * sum(dy * x_hat) / M).
// In evaluation they are constants: dx = weight * inverse_std * dy.
template <class T>
struct BatchNormInputGradKernel {
  const T* x;
  const T* grad_y;
  const T* mean;
  const T* inverse_std;
  const T* weight;
  const T* sum_grad;
  const T* sum_grad_x_hat;
  T* grad_x;
  BatchNormGeometry g;
  bool training;
  TAPENET_HD void operator()(std::int64_t n_c) const {
    std::int64_t c = n_c % g.channels;
    T scale = inverse_std[c] * (weight ? weight[c] : T(1));
    const T* in = x + n_c * g.plane;
    const T* dy = grad_y + n_c * g.plane;
    T* dx = grad_x + n_c * g.plane;
    if (!training) {
      for (std::int64_t p = 0; p < g.plane; ++p) dx[p] = dy[p] * scale;
      return;
    }
    T count = T(g.per_channel());
    T mean_grad = sum_grad[c] / count, mean_grad_x_hat = sum_grad_x_hat[c] / count;
    for (std::int64_t p = 0; p < g.plane; ++p) {
      T x_hat = (in[p] - mean[c]) * inverse_std[c];
      dx[p] = scale * (dy[p] - mean_grad - x_hat * mean_grad_x_hat);
    }
  }
};

}  // namespace tapenet::kernels
