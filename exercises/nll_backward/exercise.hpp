#pragma once
// Exercise nll_backward: the gradient of the cross-entropy loss with respect to the logits.
// Chapter 6 (docs/06-loss-and-sgd.md) teaches what to write here.
// Grade it with:  exercises/grade.sh nll_backward
//
// A classifier gives each of N samples C logits z[n, c]. Cross-entropy turns each row into
// probabilities with softmax and takes the mean, over the samples, of minus the log-probability
// of the right class t[n] (nn.CrossEntropyLoss, which is nll_loss of log_softmax):
//
//     p[n, c] = exp(z[n, c]) / sum_k exp(z[n, k])
//     loss    = (1/N) sum_n -log p[n, t[n]]
//
// Its gradient is remarkably simple (the chapter derives it): with y[n, c] = 1 where c = t[n]
// and 0 elsewhere (the one-hot target),
//
//     dloss/dz[n, c] = (p[n, c] - y[n, c]) / N
//
// One trap: exp(1000) is infinity in double, and infinity / infinity is nan. Softmax does not
// change when the same number is subtracted from a whole row, so subtract each row's largest
// logit first: then every exponent is <= 0 and the largest term is exp(0) = 1.
#include <cmath>
#include <cstdint>
#include <vector>

#include "support/not_written.hpp"

namespace exercise {

// TODO: return dloss/dlogits, [N, C] in row-major order (element (n, c) at n * C + c), for
// logits [N, C] and targets [N] (class indices in [0, C)).
inline std::vector<double> cross_entropy_grad(const std::vector<double>& /*logits*/,
                                              const std::vector<std::int64_t>& /*targets*/,
                                              std::int64_t /*classes*/) {
  not_written_yet("nll_backward", "cross_entropy_grad()");
}

}  // namespace exercise
