#pragma once
// Learning-rate schedules: call step() once per epoch, after the optimiser's steps, as in PyTorch.
// Each sets the optimiser's lr to a formula of the epoch count and the initial lr.
#include <cmath>
#include <functional>
#include <numbers>

#include "tapenet/core/error.hpp"

namespace tapenet::optim {

template <class Optimizer>
class EpochSchedule {
 public:
  void step() {
    ++epoch_;
    optimizer_.options.lr = lr_at_(epoch_, base_lr_);
  }
  double get_last_lr() const { return optimizer_.options.lr; }
  int last_epoch() const { return epoch_; }
  double base_lr() const { return base_lr_; }
  // Continues a saved schedule (io::load_checkpoint calls it): as if step() had been called
  // `last_epoch` times from `base_lr`, the lr it started from.
  void resume(int last_epoch, double base_lr) {
    if (last_epoch < 0) fail("resume: last_epoch ", last_epoch, " is negative");
    epoch_ = last_epoch;
    base_lr_ = base_lr;
    optimizer_.options.lr = lr_at_(epoch_, base_lr_);
  }

 protected:
  EpochSchedule(Optimizer& optimizer, std::function<double(int, double)> lr_at)
      : optimizer_(optimizer), base_lr_(optimizer.options.lr), lr_at_(std::move(lr_at)) {}

 private:
  Optimizer& optimizer_;
  double base_lr_;
  std::function<double(int, double)> lr_at_;  // (epoch, initial lr) -> lr
  int epoch_ = 0;
};

// lr = initial_lr * gamma ^ floor(epoch / step_size), like torch.optim.lr_scheduler.StepLR.
template <class Optimizer>
class StepLR : public EpochSchedule<Optimizer> {
 public:
  StepLR(Optimizer& optimizer, int step_size, double gamma = 0.1)
      : EpochSchedule<Optimizer>(optimizer, [step_size, gamma](int epoch, double base) {
          return base * std::pow(gamma, epoch / step_size);
        }) {
    if (step_size < 1) fail("StepLR: step_size ", step_size, " must be at least 1");
  }
};

// Half a cosine from initial_lr down to eta_min over t_max epochs, like CosineAnnealingLR:
// lr = eta_min + (initial_lr - eta_min) * (1 + cos(pi * epoch / t_max)) / 2.
template <class Optimizer>
class CosineAnnealingLR : public EpochSchedule<Optimizer> {
 public:
  CosineAnnealingLR(Optimizer& optimizer, int t_max, double eta_min = 0.0)
      : EpochSchedule<Optimizer>(optimizer, [t_max, eta_min](int epoch, double base) {
          return eta_min + (base - eta_min) * (1 + std::cos(std::numbers::pi * epoch / t_max)) / 2;
        }) {
    if (t_max < 1) fail("CosineAnnealingLR: t_max ", t_max, " must be at least 1");
  }
};

}  // namespace tapenet::optim
