#pragma once
#include "tapenet/ops/loss.hpp"

namespace tapenet::nn {

struct CrossEntropyLossOptions {
  std::int64_t ignore_index = -100;
  double label_smoothing = 0.0;
};

// nn.CrossEntropyLoss with mean reduction: logits [N, C] and class indices [N] give the mean of
// -log softmax(logits)[i, target[i]] (log_softmax subtracts each row's maximum first, so large
// logits cannot overflow).
struct CrossEntropyLoss {
  CrossEntropyLossOptions options;

  template <Backend B, class T>
  Var<B, T> operator()(const Var<B, T>& logits, const Tensor<B, std::int64_t>& target) const {
    return cross_entropy(logits, target, options.ignore_index, options.label_smoothing);
  }
};

}  // namespace tapenet::nn
