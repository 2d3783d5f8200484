#pragma once
// Learning-rate schedules: call step() once per epoch, after the optimiser's steps, as in PyTorch.
#include <cmath>
#include <numbers>

#include "tapenet/core/error.hpp"

namespace tapenet::optim {

// lr = initial_lr * gamma ^ floor(epoch / step_size), like torch.optim.lr_scheduler.StepLR.
template <class Optimizer>
class StepLR {
 public:
  StepLR(Optimizer& optimizer, int step_size, double gamma = 0.1)
      : optimizer_(optimizer),
        base_lr_(optimizer.options.lr),
        step_size_(step_size),
        gamma_(gamma) {
    if (step_size < 1) fail("StepLR: step_size ", step_size, " must be at least 1");
  }
  void step() {
    ++epoch_;
    optimizer_.options.lr = base_lr_ * std::pow(gamma_, epoch_ / step_size_);
  }
  double get_last_lr() const { return optimizer_.options.lr; }
  int last_epoch() const { return epoch_; }

 private:
  Optimizer& optimizer_;
  double base_lr_;
  int step_size_;
  double gamma_;
  int epoch_ = 0;
};

// Half a cosine from initial_lr down to eta_min over t_max epochs, like CosineAnnealingLR:
// lr = eta_min + (initial_lr - eta_min) * (1 + cos(pi * epoch / t_max)) / 2.
template <class Optimizer>
class CosineAnnealingLR {
 public:
  CosineAnnealingLR(Optimizer& optimizer, int t_max, double eta_min = 0.0)
      : optimizer_(optimizer), base_lr_(optimizer.options.lr), t_max_(t_max), eta_min_(eta_min) {
    if (t_max < 1) fail("CosineAnnealingLR: t_max ", t_max, " must be at least 1");
  }
  void step() {
    ++epoch_;
    double progress = std::numbers::pi * epoch_ / t_max_;
    optimizer_.options.lr = eta_min_ + (base_lr_ - eta_min_) * (1 + std::cos(progress)) / 2;
  }
  double get_last_lr() const { return optimizer_.options.lr; }
  int last_epoch() const { return epoch_; }

 private:
  Optimizer& optimizer_;
  double base_lr_;
  int t_max_;
  double eta_min_;
  int epoch_ = 0;
};

}  // namespace tapenet::optim
