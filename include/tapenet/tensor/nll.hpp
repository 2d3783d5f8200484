#pragma once
// The negative log-likelihood of each sample's target class, and its gradient. With label
// smoothing s the target is a mixture: 1 - s on the true class plus s spread evenly over all C
// classes, so the loss of sample i is -(1 - s) log_probs[i, t] - (s / C) sum_c log_probs[i, c].
#include <cstdint>

#include "tapenet/core/config.hpp"

namespace tapenet::kernels {

// For each sample i its loss, or 0 where target[i] is ignore_index.
template <class T>
struct NllPickKernel {
  const T* log_probs;
  const std::int64_t* target;
  T* picked;
  std::int64_t classes, ignore_index;
  T smoothing = T(0);
  TAPENET_HD void operator()(std::int64_t i) const {
    std::int64_t t = target[i];
    if (t == ignore_index) {
      picked[i] = T(0);
      return;
    }
    const T* row = log_probs + i * classes;
    T loss = -(T(1) - smoothing) * row[t];
    if (smoothing != T(0)) {
      T total = 0;
      for (std::int64_t c = 0; c < classes; ++c) total += row[c];
      loss -= smoothing / T(classes) * total;
    }
    picked[i] = loss;
  }
};

// The gradient of the mean loss with respect to sample i's row of log-probabilities:
// -(target weight of class c) * grad / count, and zero for an ignored sample.
template <class T>
struct NllBackwardKernel {
  const T* grad_loss;
  const std::int64_t* target;
  T* grad_log_probs;
  std::int64_t classes, ignore_index;
  T inverse_count;
  T smoothing = T(0);
  TAPENET_HD void operator()(std::int64_t i) const {
    std::int64_t t = target[i];
    T* row = grad_log_probs + i * classes;
    T scale = t == ignore_index ? T(0) : -grad_loss[0] * inverse_count;
    for (std::int64_t c = 0; c < classes; ++c)
      row[c] = scale * (smoothing / T(classes) + (c == t ? T(1) - smoothing : T(0)));
  }
};

}  // namespace tapenet::kernels
