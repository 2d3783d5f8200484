#pragma once
// Exercise batchnorm_backward: the gradient of batch normalisation with respect to its input.
// Chapter 4 (docs/04-batch-normalisation.md) teaches what to write here.
// Grade it with:  exercises/grade.sh batchnorm_backward
//
// In training, batch norm normalises each channel c with the mean and variance of that channel
// over the whole batch: the M = N * P values x_i of channel c (N images, P = H * W pixels each):
//
//     mu = (1/M) sum_i x_i,   var = (1/M) sum_i (x_i - mu)^2,   istd = 1 / sqrt(var + eps)
//     xhat_i = (x_i - mu) * istd,   y_i = gamma * xhat_i + beta
//
// Given dy_i = dL/dy_i, you compute dx_i = dL/dx_i. Every x_i reaches the loss three ways: through
// its own xhat_i, and through mu and var, which every y_j of the channel uses. Summing the three
// paths, one step at a time (sums over the channel's M values):
//
//     dxhat_i = gamma * dy_i
//     dvar    = sum_j dxhat_j * (x_j - mu) * (-1/2) * istd^3
//     dmu     = -istd * sum_j dxhat_j      (the path through var adds 0 here: why?)
//     dx_i    = dxhat_i * istd + dvar * 2 (x_i - mu) / M + dmu / M
//
// Write it like that, or simplify it first (the chapter does) to one line per element.
#include <cmath>
#include <cstdint>
#include <vector>

#include "support/not_written.hpp"

namespace exercise {

// x is [N, C, P] in row-major order: element (n, c, p) is x[(n * C + c) * P + p]. A batch of
// images [N, C, H, W] is the same array with P = H * W; features [N, C] have P = 1.
struct BatchNormSizes {
  std::int64_t batch, channels, plane;
};

// What the forward pass keeps for the backward pass, one number per channel (as tapenet does).
struct BatchStatistics {
  std::vector<double> mean, inverse_std;  // mu and istd
};

// Given: the forward pass's statistics.
inline BatchStatistics batch_statistics(const std::vector<double>& x, BatchNormSizes s,
                                        double eps = 1e-5) {
  BatchStatistics stats{std::vector<double>(s.channels), std::vector<double>(s.channels)};
  const double count = double(s.batch * s.plane);
  for (std::int64_t c = 0; c < s.channels; ++c) {
    double total = 0, squares = 0;
    for (std::int64_t n = 0; n < s.batch; ++n)
      for (std::int64_t p = 0; p < s.plane; ++p) total += x[(n * s.channels + c) * s.plane + p];
    const double mean = total / count;
    for (std::int64_t n = 0; n < s.batch; ++n)
      for (std::int64_t p = 0; p < s.plane; ++p) {
        const double centred = x[(n * s.channels + c) * s.plane + p] - mean;
        squares += centred * centred;
      }
    stats.mean[c] = mean;
    stats.inverse_std[c] = 1 / std::sqrt(squares / count + eps);
  }
  return stats;
}

// TODO: return dx, shaped like x, from dy (grad_out), x, gamma [C] and the saved statistics.
inline std::vector<double> batch_norm_input_grad(const std::vector<double>& /*grad_out*/,
                                                 const std::vector<double>& /*x*/,
                                                 const std::vector<double>& /*gamma*/,
                                                 const BatchStatistics& /*stats*/,
                                                 BatchNormSizes /*s*/) {
  not_written_yet("batchnorm_backward", "batch_norm_input_grad()");
}

}  // namespace exercise
