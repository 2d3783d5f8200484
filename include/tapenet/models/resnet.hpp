#pragma once
// ResNet, as torchvision builds it (He et al., "Deep Residual Learning for Image Recognition").
// The names of the members are torchvision's, so parameters are called conv1.weight,
// layer1.0.bn1.running_mean, fc.bias, ... and state dicts move between the two.
#include <array>
#include <optional>
#include <vector>

#include "tapenet/autograd/arithmetic.hpp"
#include "tapenet/nn/batchnorm.hpp"
#include "tapenet/nn/conv.hpp"
#include "tapenet/nn/linear.hpp"
#include "tapenet/nn/pool.hpp"
#include "tapenet/nn/sequential.hpp"

namespace tapenet::models {

// Two 3x3 convolutions whose result is added to the block's input: the block only has to learn a
// correction to the identity, which is what lets very deep networks train. When the block halves
// the image or changes the channel count, the input goes through `downsample` (a strided 1x1
// convolution and a BatchNorm) so the two can be added.
template <Backend B, class T = float>
class BasicBlock {
 public:
  using backend_type = B;
  using value_type = T;
  using V = Var<B, T>;
  static constexpr const char* type_name = "BasicBlock";

  nn::Conv2d<B, T> conv1;
  nn::BatchNorm2d<B, T> bn1;
  nn::ReLU<B, T> relu;
  nn::Conv2d<B, T> conv2;
  nn::BatchNorm2d<B, T> bn2;
  std::optional<nn::Sequential<nn::Conv2d<B, T>, nn::BatchNorm2d<B, T>>> downsample;
  bool training = true;

  BasicBlock(std::int64_t in_planes, std::int64_t planes, std::int64_t stride = 1)
      : conv1(in_planes, planes, 3, {.stride = stride, .padding = 1, .bias = false}),
        bn1(planes),
        conv2(planes, planes, 3, {.padding = 1, .bias = false}),
        bn2(planes) {
    if (stride != 1 || in_planes != planes)
      downsample.emplace(nn::Conv2d<B, T>(in_planes, planes, 1, {.stride = stride, .bias = false}),
                         nn::BatchNorm2d<B, T>(planes));
  }

  template <Backend From>
  explicit BasicBlock(const BasicBlock<From, T>& other)  // nn::to
      : conv1(other.conv1),
        bn1(other.bn1),
        relu(other.relu),
        conv2(other.conv2),
        bn2(other.bn2),
        downsample(other.downsample),
        training(other.training) {}

  std::int64_t in_channels() const { return conv1.in_channels(); }
  std::int64_t out_channels() const { return conv2.out_channels(); }

  V operator()(const V& x) { return forward_with(x, nn::CallChild{}); }

  template <class Call>
  V forward_with(const V& x, Call&& call) {
    V out = call(conv1, "conv1", x);
    out = call(bn1, "bn1", out);
    out = call(relu, "relu", out);
    out = call(conv2, "conv2", out);
    out = call(bn2, "bn2", out);
    V identity = downsample ? call(*downsample, "downsample", x) : x;
    return call(relu, "relu", out + identity);
  }

  template <class Visitor>
  void visit(const std::string& prefix, Visitor&& visitor) {
    conv1.visit(nn::join_name(prefix, "conv1"), visitor);
    bn1.visit(nn::join_name(prefix, "bn1"), visitor);
    conv2.visit(nn::join_name(prefix, "conv2"), visitor);
    bn2.visit(nn::join_name(prefix, "bn2"), visitor);
    if (downsample) downsample->visit(nn::join_name(prefix, "downsample"), visitor);
  }
  void train(bool on = true) {
    training = on;
    bn1.train(on);
    bn2.train(on);
    if (downsample) downsample->train(on);
  }
};

// The stem: torchvision's 7x7 stride-2 convolution and max-pool, made for 224x224 ImageNet
// photos; or the 3x3 stride-1 convolution without max-pool that CIFAR-10's 32x32 images want.
enum class Stem { imagenet, cifar };

template <Backend B, class T = float>
class ResNet {
 public:
  using backend_type = B;
  using value_type = T;
  using V = Var<B, T>;
  using Stage = nn::Stack<BasicBlock<B, T>>;
  static constexpr const char* type_name = "ResNet";

  nn::Conv2d<B, T> conv1;
  nn::BatchNorm2d<B, T> bn1;
  nn::ReLU<B, T> relu;
  std::optional<nn::MaxPool2d<B, T>> maxpool;
  Stage layer1, layer2, layer3, layer4;
  nn::AdaptiveAvgPool2d<B, T> avgpool{1};
  nn::Linear<B, T> fc;
  bool training = true;

  ResNet(std::array<int, 4> blocks, std::int64_t num_classes = 1000, Stem stem = Stem::imagenet)
      : conv1(stem_conv(stem)),
        bn1(64),
        layer1(stage(64, 64, blocks[0], 1)),
        layer2(stage(64, 128, blocks[1], 2)),
        layer3(stage(128, 256, blocks[2], 2)),
        layer4(stage(256, 512, blocks[3], 2)),
        fc(512, num_classes) {
    if (stem == Stem::imagenet) maxpool.emplace(3, MaxPool2dOptions{.stride = 2, .padding = 1});
    // torchvision's initialisation: He-normal convolutions (fan_out), BatchNorm as the identity;
    // fc keeps nn.Linear's default.
    visit("", [](const std::string&, auto& item) {
      if constexpr (std::is_same_v<std::decay_t<decltype(item)>, V>) {
        if (item.shape().rank() == 4) nn::init::kaiming_normal_(item, nn::init::FanMode::fan_out);
      }
    });
  }

  template <Backend From>
  explicit ResNet(const ResNet<From, T>& other)  // nn::to
      : conv1(other.conv1),
        bn1(other.bn1),
        relu(other.relu),
        maxpool(other.maxpool),
        layer1(other.layer1),
        layer2(other.layer2),
        layer3(other.layer3),
        layer4(other.layer4),
        avgpool(other.avgpool),
        fc(other.fc),
        training(other.training) {}

  // The same network on another backend, like net.to(device).
  template <Backend To>
  ResNet<To, T> to() const {
    return ResNet<To, T>(*this);
  }

  V operator()(const V& x) { return forward_with(x, nn::CallChild{}); }

  template <class Call>
  V forward_with(const V& x, Call&& call) {
    if (x.shape().rank() != 4 || x.shape()[1] != 3)
      fail("ResNet: expects images of shape [N, 3, H, W], got ", x.shape());
    V y = call(conv1, "conv1", x);
    y = call(bn1, "bn1", y);
    y = call(relu, "relu", y);
    if (maxpool) y = call(*maxpool, "maxpool", y);
    y = call(layer1, "layer1", y);
    y = call(layer2, "layer2", y);
    y = call(layer3, "layer3", y);
    y = call(layer4, "layer4", y);
    y = call(avgpool, "avgpool", y);
    return call(fc, "fc", flatten(y, 1));
  }

  template <class Visitor>
  void visit(const std::string& prefix, Visitor&& visitor) {
    conv1.visit(nn::join_name(prefix, "conv1"), visitor);
    bn1.visit(nn::join_name(prefix, "bn1"), visitor);
    layer1.visit(nn::join_name(prefix, "layer1"), visitor);
    layer2.visit(nn::join_name(prefix, "layer2"), visitor);
    layer3.visit(nn::join_name(prefix, "layer3"), visitor);
    layer4.visit(nn::join_name(prefix, "layer4"), visitor);
    fc.visit(nn::join_name(prefix, "fc"), visitor);
  }
  void train(bool on = true) {
    training = on;
    bn1.train(on);
    for (Stage* s : {&layer1, &layer2, &layer3, &layer4}) s->train(on);
  }
  void eval() { train(false); }
  std::vector<V> parameters() { return nn::parameters(*this); }

 private:
  static nn::Conv2d<B, T> stem_conv(Stem stem) {
    if (stem == Stem::imagenet) return {3, 64, 7, {.stride = 2, .padding = 3, .bias = false}};
    return {3, 64, 3, {.stride = 1, .padding = 1, .bias = false}};
  }
  static Stage stage(std::int64_t in_planes, std::int64_t planes, int blocks, std::int64_t stride) {
    if (blocks < 1) fail("ResNet: every stage needs at least one block, got ", blocks);
    std::vector<BasicBlock<B, T>> list;
    list.emplace_back(in_planes, planes, stride);
    for (int i = 1; i < blocks; ++i) list.emplace_back(planes, planes, 1);
    return Stage(std::move(list));
  }
};

// torchvision.models.resnet18(num_classes): 11,689,512 parameters for 1000 classes.
template <Backend B, class T = float>
ResNet<B, T> resnet18(std::int64_t num_classes = 1000) {
  return ResNet<B, T>({2, 2, 2, 2}, num_classes, Stem::imagenet);
}

template <Backend B, class T = float>
ResNet<B, T> resnet34(std::int64_t num_classes = 1000) {
  return ResNet<B, T>({3, 4, 6, 3}, num_classes, Stem::imagenet);
}

// ResNet18 with the CIFAR stem (3x3 stride-1 conv, no max-pool): on 32x32 images the ImageNet stem
// shrinks the picture to 8x8 before the first block; this one keeps 32x32, which is how ResNet18
// reaches 93-95% on CIFAR-10.
template <Backend B, class T = float>
ResNet<B, T> resnet18_cifar(std::int64_t num_classes = 10) {
  return ResNet<B, T>({2, 2, 2, 2}, num_classes, Stem::cifar);
}

}  // namespace tapenet::models
