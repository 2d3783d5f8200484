#pragma once
// Stochastic gradient descent with PyTorch's exact update rule (torch.optim.SGD):
//   g = grad + weight_decay * p
//   buf = g                                   on the first step
//   buf = momentum * buf + (1 - dampening) * g   after that
//   g = g + momentum * buf  (nesterov)   or   g = buf
//   p = p - lr * g
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "tapenet/autograd/var.hpp"

namespace tapenet::optim {

struct SGDOptions {
  double lr = 0.001;
  double momentum = 0.0;
  double dampening = 0.0;
  double weight_decay = 0.0;
  bool nesterov = false;
};

namespace kernels {
// One parameter element per call. The switches are template arguments, so each combination is
// its own branch-free loop that the compiler vectorises; `first` means the momentum buffer is new.
template <class T, bool use_momentum, bool nesterov, bool first>
struct SgdStepKernel {
  T* param;
  const T* grad;
  T* buffer;  // unused without momentum
  T lr, momentum, dampening, weight_decay;
  TAPENET_HD void operator()(std::int64_t i) const {
    T g = grad[i] + weight_decay * param[i];
    if constexpr (use_momentum) {
      T b = first ? g : momentum * buffer[i] + (T(1) - dampening) * g;
      buffer[i] = b;
      g = nesterov ? g + momentum * b : b;
    }
    param[i] -= lr * g;
  }
};
}  // namespace kernels

template <Backend B, class T = float>
class SGD {
 public:
  SGDOptions options;

  SGD(std::vector<Var<B, T>> params, SGDOptions sgd_options)
      : options(sgd_options), params_(std::move(params)), buffers_(params_.size()) {
    check(options);
    for (const auto& p : params_)
      if (!p.requires_grad() || !p.is_leaf())
        fail("SGD: every parameter must be a leaf variable that requires grad");
  }

  SGD(std::initializer_list<Var<B, T>> params, SGDOptions sgd_options)
      : SGD(std::vector<Var<B, T>>(params), sgd_options) {}

  static void check(const SGDOptions& options) {
    if (!(options.lr >= 0)) fail("SGD: invalid learning rate ", options.lr);
    if (!(options.momentum >= 0)) fail("SGD: invalid momentum ", options.momentum);
    if (!(options.weight_decay >= 0)) fail("SGD: invalid weight_decay ", options.weight_decay);
    if (options.nesterov && (options.momentum <= 0 || options.dampening != 0))
      fail("SGD: nesterov momentum needs a momentum above 0 and zero dampening");
  }

  // Forgets every gradient (set_to_none, PyTorch's default).
  void zero_grad() {
    for (auto& p : params_) p.zero_grad();
  }

  // One update of every parameter that has a gradient; the others are left alone, as in PyTorch.
  void step() {
    for (std::size_t i = 0; i < params_.size(); ++i) {
      const Var<B, T>& p = params_[i];
      if (!p.grad().defined()) continue;
      bool first = false;
      if (options.momentum != 0 && !buffers_[i].defined()) {
        buffers_[i] = Tensor<B, T>::empty(p.shape());
        first = true;
      }
      auto update = [&]<bool use_momentum, bool nesterov, bool is_first>() {
        B::for_each(p.shape().numel(),
                    kernels::SgdStepKernel<T, use_momentum, nesterov, is_first>{
                        p.data().data(), p.grad().data(), buffers_[i].data(), T(options.lr),
                        T(options.momentum), T(options.dampening), T(options.weight_decay)});
      };
      if (options.momentum == 0)
        update.template operator()<false, false, false>();
      else if (options.nesterov)
        first ? update.template operator()<true, true, true>()
              : update.template operator()<true, true, false>();
      else
        first ? update.template operator()<true, false, true>()
              : update.template operator()<true, false, false>();
    }
  }

  const std::vector<Var<B, T>>& parameters() const { return params_; }
  // The momentum buffer of parameter i (undefined before its first step): the optimiser's state.
  Tensor<B, T>& momentum_buffer(std::size_t i) { return buffers_.at(i); }
  const Tensor<B, T>& momentum_buffer(std::size_t i) const { return buffers_.at(i); }

 private:
  std::vector<Var<B, T>> params_;
  std::vector<Tensor<B, T>> buffers_;
};

}  // namespace tapenet::optim
