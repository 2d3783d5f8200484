#pragma once
// Exercise sgd_step: one step of stochastic gradient descent exactly as torch.optim.SGD takes it.
// Chapter 6 (docs/06-loss-and-sgd.md) and chapter 7 (docs/07-learning.md) teach what to write here.
// Grade it with:  exercises/grade.sh sgd_step
//
// For every element of the parameter p, with its gradient grad (lr: learning rate, wd: weight
// decay, mu: momentum, tau: dampening):
//
//     g = grad + wd * p                      weight decay pulls p towards 0
//     if mu != 0:
//         b = g                              on the first step (no buffer yet)
//         b = mu * b + (1 - tau) * g         on every later step
//         g = g + mu * b   if nesterov,   else   g = b
//     p = p - lr * g
//
// b, the momentum buffer, is a running, decaying sum of past gradients; it is kept from one step
// to the next. Note the first step: the buffer becomes g itself, with no (1 - tau).
#include <vector>

#include "support/not_written.hpp"

namespace exercise {

struct SgdOptions {
  double lr = 0.001;
  double momentum = 0.0;
  double dampening = 0.0;
  double weight_decay = 0.0;
  bool nesterov = false;
};

// TODO: update params in place from grads (same length). momentum_buffer is empty before the
// first step: fill it then (when momentum != 0), and update it on every later step.
inline void sgd_step(std::vector<double>& /*params*/, const std::vector<double>& /*grads*/,
                     std::vector<double>& /*momentum_buffer*/, const SgdOptions& /*options*/) {
  not_written_yet("sgd_step", "sgd_step()");
}

}  // namespace exercise
