#pragma once
// ResNet, as torchvision builds it (He et al., "Deep Residual Learning for Image Recognition").
// The names of the members are torchvision's, so parameters are called conv1.weight,
// layer1.0.bn1.running_mean, fc.bias, ... and state dicts move between the two.
#include <array>
#include <optional>
#include <vector>

#include "tapenet/nn/batchnorm.hpp"
#include "tapenet/nn/conv.hpp"
#include "tapenet/nn/linear.hpp"
#include "tapenet/nn/pool.hpp"
#include "tapenet/nn/sequential.hpp"
#include "tapenet/ops/arithmetic.hpp"

namespace tapenet::models {

// Two 3x3 convolutions whose result is added to the block's input: the block only has to learn a
// correction to the identity, which is what lets very deep networks train. When the block halves
// the image or changes the channel count, the input goes through `downsample` (a strided 1x1
// convolution and a BatchNorm) so the two can be added. basic_block() builds one.
template <Backend B, class T = float>
struct BasicBlock {
  static constexpr const char* type_name = "BasicBlock";
  using V = Var<B, T>;

  nn::Conv2d<B, T> conv1;
  nn::BatchNorm2d<B, T> bn1;
  nn::ReLU<B, T> relu{};
  nn::Conv2d<B, T> conv2;
  nn::BatchNorm2d<B, T> bn2;
  std::optional<nn::Sequential<nn::Conv2d<B, T>, nn::BatchNorm2d<B, T>>> downsample{};

  std::int64_t in_channels() const { return conv1.in_channels(); }
  std::int64_t out_channels() const { return conv2.out_channels(); }

  V operator()(const V& x) {
    V out = relu(bn1(conv1(x)));
    out = bn2(conv2(out));
    V identity = downsample ? (*downsample)(x) : x;
    return relu(out + identity);
  }

  TAPENET_CHILDREN(conv1, bn1, relu, conv2, bn2, downsample);
};

template <Backend B, class T = float>
BasicBlock<B, T> basic_block(std::int64_t in_planes, std::int64_t planes, std::int64_t stride) {
  BasicBlock<B, T> block{
      .conv1 = {in_planes, planes, 3, {.conv = {.stride = stride, .padding = 1}, .bias = false}},
      .bn1 = nn::BatchNorm2d<B, T>(planes),
      .conv2 = {planes, planes, 3, {.conv = {.padding = 1}, .bias = false}},
      .bn2 = nn::BatchNorm2d<B, T>(planes)};
  if (stride != 1 || in_planes != planes)
    block.downsample.emplace(
        nn::Conv2d<B, T>(in_planes, planes, 1, {.conv = {.stride = stride}, .bias = false}),
        nn::BatchNorm2d<B, T>(planes));
  return block;
}

// The stem: torchvision's 7x7 stride-2 convolution and max-pool, made for 224x224 ImageNet
// photos; or the 3x3 stride-1 convolution without max-pool that CIFAR-10's 32x32 images want.
enum class Stem { imagenet, cifar };

// resnet() builds one; resnet18() and its kin below choose the sizes.
template <Backend B, class T = float>
struct ResNet {
  static constexpr const char* type_name = "ResNet";
  using V = Var<B, T>;
  using Stage = nn::Stack<BasicBlock<B, T>>;

  nn::Conv2d<B, T> conv1;
  nn::BatchNorm2d<B, T> bn1;
  nn::ReLU<B, T> relu{};
  std::optional<nn::MaxPool2d<B, T>> maxpool{};
  Stage layer1, layer2, layer3, layer4;
  nn::AdaptiveAvgPool2d<B, T> avgpool{1};
  nn::Linear<B, T> fc;

  V operator()(const V& x) {
    if (x.shape().rank() != 4 || x.shape()[1] != 3)
      fail("ResNet: expects images of shape [N, 3, H, W], got ", x.shape());
    V y = relu(bn1(conv1(x)));
    if (maxpool) y = (*maxpool)(y);
    y = layer4(layer3(layer2(layer1(y))));
    return fc(flatten(avgpool(y), 1));
  }

  TAPENET_CHILDREN(conv1, bn1, relu, maxpool, layer1, layer2, layer3, layer4, avgpool, fc);
};

namespace detail {
template <Backend B, class T>
nn::Stack<BasicBlock<B, T>> stage(std::int64_t in_planes, std::int64_t planes, int blocks,
                                  std::int64_t stride) {
  if (blocks < 1) fail("ResNet: every stage needs at least one block, got ", blocks);
  std::vector<BasicBlock<B, T>> list;
  list.push_back(basic_block<B, T>(in_planes, planes, stride));
  for (int i = 1; i < blocks; ++i) list.push_back(basic_block<B, T>(planes, planes, 1));
  return nn::Stack<BasicBlock<B, T>>(std::move(list));
}
}  // namespace detail

template <Backend B, class T = float>
ResNet<B, T> resnet(std::array<int, 4> blocks, std::int64_t num_classes, Stem stem) {
  bool imagenet = stem == Stem::imagenet;
  ResNet<B, T> net{
      .conv1 =
          imagenet
              ? nn::Conv2d<B, T>(3, 64, 7, {.conv = {.stride = 2, .padding = 3}, .bias = false})
              : nn::Conv2d<B, T>(3, 64, 3, {.conv = {.stride = 1, .padding = 1}, .bias = false}),
      .bn1 = nn::BatchNorm2d<B, T>(64),
      .layer1 = detail::stage<B, T>(64, 64, blocks[0], 1),
      .layer2 = detail::stage<B, T>(64, 128, blocks[1], 2),
      .layer3 = detail::stage<B, T>(128, 256, blocks[2], 2),
      .layer4 = detail::stage<B, T>(256, 512, blocks[3], 2),
      .fc = nn::Linear<B, T>(512, num_classes)};
  if (imagenet) net.maxpool.emplace(3, MaxPool2dOptions{.stride = 2, .padding = 1});
  // torchvision's initialisation: He-normal convolutions (fan_out), BatchNorm as the identity;
  // fc keeps nn.Linear's default.
  for (auto& [name, parameter] : net.named_parameters())
    if (parameter.shape().rank() == 4)
      nn::init::kaiming_normal_(parameter, nn::init::FanMode::fan_out);
  return net;
}

// torchvision.models.resnet18(num_classes): 11,689,512 parameters for 1000 classes.
template <Backend B, class T = float>
ResNet<B, T> resnet18(std::int64_t num_classes = 1000) {
  return resnet<B, T>({2, 2, 2, 2}, num_classes, Stem::imagenet);
}

template <Backend B, class T = float>
ResNet<B, T> resnet34(std::int64_t num_classes = 1000) {
  return resnet<B, T>({3, 4, 6, 3}, num_classes, Stem::imagenet);
}

// ResNet18 with the CIFAR stem (3x3 stride-1 conv, no max-pool): on 32x32 images the ImageNet stem
// shrinks the picture to 8x8 before the first block; this one keeps 32x32, which is how ResNet18
// reaches 93-95% on CIFAR-10.
template <Backend B, class T = float>
ResNet<B, T> resnet18_cifar(std::int64_t num_classes = 10) {
  return resnet<B, T>({2, 2, 2, 2}, num_classes, Stem::cifar);
}

}  // namespace tapenet::models
