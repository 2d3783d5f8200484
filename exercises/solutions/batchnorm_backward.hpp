#pragma once
// The reference solution of exercises/batchnorm_backward/exercise.hpp. Try the exercise first.
#include <cmath>
#include <cstdint>
#include <vector>

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

// The three paths summed and simplified: with the channel's sums S = sum_j dy_j and
// Sx = sum_j dy_j * xhat_j,  dx_i = gamma * istd / M * (M * dy_i - S - xhat_i * Sx).
inline std::vector<double> batch_norm_input_grad(const std::vector<double>& grad_out,
                                                 const std::vector<double>& x,
                                                 const std::vector<double>& gamma,
                                                 const BatchStatistics& stats, BatchNormSizes s) {
  std::vector<double> grad_x(x.size());
  const double count = double(s.batch * s.plane);
  auto at = [&](std::int64_t n, std::int64_t c, std::int64_t p) {
    return (n * s.channels + c) * s.plane + p;
  };
  for (std::int64_t c = 0; c < s.channels; ++c) {
    const double mean = stats.mean[c], istd = stats.inverse_std[c];
    double sum_dy = 0, sum_dy_xhat = 0;
    for (std::int64_t n = 0; n < s.batch; ++n)
      for (std::int64_t p = 0; p < s.plane; ++p) {
        sum_dy += grad_out[at(n, c, p)];
        sum_dy_xhat += grad_out[at(n, c, p)] * (x[at(n, c, p)] - mean) * istd;
      }
    for (std::int64_t n = 0; n < s.batch; ++n)
      for (std::int64_t p = 0; p < s.plane; ++p) {
        const double xhat = (x[at(n, c, p)] - mean) * istd;
        grad_x[at(n, c, p)] =
            gamma[c] * istd / count * (count * grad_out[at(n, c, p)] - sum_dy - xhat * sum_dy_xhat);
      }
  }
  return grad_x;
}

}  // namespace exercise
