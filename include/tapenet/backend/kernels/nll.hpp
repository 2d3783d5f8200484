#pragma once
// The negative log-likelihood of each sample's target class, and its gradient.
#include <cstdint>

#include "tapenet/core/config.hpp"

namespace tapenet::kernels {

// For each sample i: -log_probs[i, target[i]], or 0 where target[i] is ignore_index.
template <class T>
struct NllPickKernel {
  const T* log_probs;
  const std::int64_t* target;
  T* picked;
  std::int64_t classes, ignore_index;
  TAPENET_HD void operator()(std::int64_t i) const {
    std::int64_t t = target[i];
    picked[i] = t == ignore_index ? T(0) : -log_probs[i * classes + t];
  }
};

// The gradient of the mean negative log-likelihood: -grad / count at each sample's target class.
template <class T>
struct NllBackwardKernel {
  const T* grad_loss;
  const std::int64_t* target;
  T* grad_log_probs;
  std::int64_t classes, ignore_index;
  T inverse_count;
  TAPENET_HD void operator()(std::int64_t i) const {
    std::int64_t t = target[i];
    if (t != ignore_index) grad_log_probs[i * classes + t] = -grad_loss[0] * inverse_count;
  }
};

}  // namespace tapenet::kernels
