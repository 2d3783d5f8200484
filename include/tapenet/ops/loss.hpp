#pragma once
#include <cstdint>
#include <vector>

#include "tapenet/autograd/var.hpp"
#include "tapenet/tensor/nll.hpp"
#include "tapenet/tensor/softmax.hpp"

namespace tapenet {

// log(softmax(x)) along dimension dim, computed in one stable pass.
template <Backend B, class T>
Var<B, T> log_softmax(const Var<B, T>& x, int dim) {
  int rank = x.shape().rank();
  int d = dim < 0 ? dim + rank : dim;
  if (d < 0 || d >= rank) fail("log_softmax: dim ", dim, " is out of range for shape ", x.shape());
  auto y = kernels::log_softmax(x.value(), d);
  auto backward = [x, y, d](const Tensor<B, T>& grad) {
    x.accumulate_grad(kernels::log_softmax_backward(y, grad, d));
  };
  return Var<B, T>::record("log_softmax", y, {x}, backward);
}

namespace detail {
// nll_loss's and cross_entropy's checks, under the caller's name (`op`; `input` says what the
// [N, C] tensor holds): returns how many samples count (those whose target is not ignore_index).
template <Backend B>
std::int64_t check_class_targets(const char* op, const char* input, const Shape& shape,
                                 const Tensor<B, std::int64_t>& target, std::int64_t ignore_index,
                                 double label_smoothing) {
  if (!(label_smoothing >= 0.0 && label_smoothing <= 1.0))
    fail(op, ": label_smoothing is ", label_smoothing, ", expected a value in [0, 1]");
  if (shape.rank() != 2) fail(op, ": expects ", input, " of shape [N, C], got ", shape);
  if (target.shape() != Shape{shape[0]})
    fail(op, ": target has shape ", target.shape(), ", expected [", shape[0],
         "] (one class index per sample)");
  const std::int64_t classes = shape[1];
  std::int64_t counted = 0;
  for (std::int64_t label : target.to_vector()) {
    if (label == ignore_index) continue;
    if (label < 0 || label >= classes)
      fail(op, ": target ", label, " is out of range: expected a class index in [0, ", classes,
           ")");
    ++counted;
  }
  return counted;
}

// nll_loss once the arguments are checked; `counted` is what the checks returned.
template <Backend B, class T>
Var<B, T> nll_loss_checked(const Var<B, T>& log_probs, const Tensor<B, std::int64_t>& target,
                           std::int64_t ignore_index, double label_smoothing,
                           std::int64_t counted) {
  const std::int64_t samples = log_probs.shape()[0], classes = log_probs.shape()[1];
  auto picked = Tensor<B, T>::empty({samples});
  T smoothing = T(label_smoothing);
  B::for_each(samples, kernels::NllPickKernel<T>{log_probs.value().data(), target.data(),
                                                 picked.data(), classes, ignore_index, smoothing});
  // 0 / 0 = nan when every sample is ignored, as in PyTorch
  T loss = B::sum(picked.data(), samples) / T(counted);
  auto backward = [log_probs, target, ignore_index, counted, smoothing](const Tensor<B, T>& grad) {
    auto grad_log_probs = Tensor<B, T>::empty(log_probs.shape());
    kernels::NllBackwardKernel<T> kernel{
        grad.data(),       target.data(), grad_log_probs.data(), log_probs.shape()[1], ignore_index,
        T(1) / T(counted), smoothing};
    B::for_each(target.numel(), kernel, log_probs.shape()[1]);
    log_probs.accumulate_grad(grad_log_probs);
  };
  return Var<B, T>::record("nll_loss", Tensor<B, T>::full(Shape{}, loss), {log_probs}, backward);
}
}  // namespace detail

// The mean over samples of -log_probs[i, target[i]], like F.nll_loss with its defaults;
// samples whose target is ignore_index do not count. label_smoothing in [0, 1] mixes the target
// with the uniform distribution over classes (see kernels/nll.hpp).
template <Backend B, class T>
Var<B, T> nll_loss(const Var<B, T>& log_probs, const Tensor<B, std::int64_t>& target,
                   std::int64_t ignore_index = -100, double label_smoothing = 0.0) {
  const std::int64_t counted = detail::check_class_targets(
      "nll_loss", "log-probabilities", log_probs.shape(), target, ignore_index, label_smoothing);
  return detail::nll_loss_checked(log_probs, target, ignore_index, label_smoothing, counted);
}

// nn.CrossEntropyLoss's maths: log_softmax over classes, then the mean negative log-likelihood.
// The arguments are checked first, so that a mistake is reported as cross_entropy's.
template <Backend B, class T>
Var<B, T> cross_entropy(const Var<B, T>& logits, const Tensor<B, std::int64_t>& target,
                        std::int64_t ignore_index = -100, double label_smoothing = 0.0) {
  const std::int64_t counted = detail::check_class_targets(
      "cross_entropy", "logits", logits.shape(), target, ignore_index, label_smoothing);
  return detail::nll_loss_checked(log_softmax(logits, 1), target, ignore_index, label_smoothing,
                                  counted);
}

}  // namespace tapenet
