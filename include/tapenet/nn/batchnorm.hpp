#pragma once
#include "tapenet/nn/init.hpp"
#include "tapenet/nn/module.hpp"
#include "tapenet/ops/batchnorm.hpp"

namespace tapenet::nn {

// The layer's options are batch_norm's (eps, momentum), passed to it whole, and whether the
// layer has a weight and a bias.
struct BatchNorm2dOptions {
  BatchNormOptions batch_norm = {};
  bool affine = true;
};

// nn.BatchNorm2d(num_features, eps, momentum, affine): in training mode it normalises each
// channel with the batch's mean and variance and keeps running averages of them; in evaluation
// mode it uses those running averages, so one image's prediction no longer depends on the others
// in its batch.
template <Backend B, class T = float>
class BatchNorm2d {
 public:
  using backend_type = B;
  using value_type = T;
  static constexpr const char* type_name = "BatchNorm2d";

  Var<B, T> weight, bias;
  Tensor<B, T> running_mean, running_var;
  std::int64_t num_batches_tracked = 0;
  BatchNorm2dOptions options;
  bool training = true;

  explicit BatchNorm2d(std::int64_t num_features, BatchNorm2dOptions bn_options = {})
      : options(bn_options) {
    if (num_features < 1) fail("BatchNorm2d: num_features ", num_features, " must be positive");
    running_mean = Tensor<B, T>::zeros({num_features});
    running_var = Tensor<B, T>::ones({num_features});
    if (options.affine) {
      weight = parameter(Tensor<B, T>::ones({num_features}));
      bias = parameter(Tensor<B, T>::zeros({num_features}));
    }
  }

  template <Backend From>
  explicit BatchNorm2d(const BatchNorm2d<From, T>& other)  // nn::to
      : weight(to_backend<B>(other.weight)),
        bias(to_backend<B>(other.bias)),
        running_mean(other.running_mean.template to<B>()),
        running_var(other.running_var.template to<B>()),
        num_batches_tracked(other.num_batches_tracked),
        options(other.options),
        training(other.training) {}

  std::int64_t num_features() const { return running_mean.numel(); }
  std::int64_t in_channels() const { return num_features(); }
  std::int64_t out_channels() const { return num_features(); }

  Var<B, T> operator()(const Var<B, T>& x) {
    if (x.shape().rank() != 4) fail("BatchNorm2d: expects input [N, C, H, W], got ", x.shape());
    if (x.shape()[1] != num_features())
      fail("BatchNorm2d: input has ", count(x.shape()[1], "channel"), ", expected ",
           num_features());
    if (training) ++num_batches_tracked;
    return reported(
        this, x,
        batch_norm(x, weight, bias, running_mean, running_var, training, options.batch_norm));
  }

  template <class Visitor>
  void visit(const std::string& prefix, Visitor&& visitor) {
    if (options.affine) {
      visitor(join_name(prefix, "weight"), weight);
      visitor(join_name(prefix, "bias"), bias);
    }
    visitor(join_name(prefix, "running_mean"), running_mean);
    visitor(join_name(prefix, "running_var"), running_var);
    visitor(join_name(prefix, "num_batches_tracked"), num_batches_tracked);
  }
  TAPENET_MODULE_METHODS
};

}  // namespace tapenet::nn
