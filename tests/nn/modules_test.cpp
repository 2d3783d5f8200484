// Layers as modules: names, modes, composition checks, initialisation and summary().
#include <algorithm>
#include <cmath>
#include <set>

#include "support/backends.hpp"

using namespace tapenet;

namespace {
template <class Net>
std::vector<std::string> state_names(Net& net) {
  std::vector<std::string> names;
  net.visit("", [&](const std::string& name, auto&) { names.push_back(name); });
  return names;
}

// Mean and standard deviation of every element of a tensor.
template <class B>
std::pair<double, double> moments(const Tensor<B>& t) {
  double sum = 0, squares = 0;
  for (float v : t.to_vector()) sum += v, squares += double(v) * v;
  double n = double(t.numel()), mean = sum / n;
  return {mean, std::sqrt(squares / n - mean * mean)};
}
}  // namespace

TEST_CASE("Sequential names its children 0, 1, ... and switches their mode", "[fast]") {
  nn::Sequential seq(nn::Conv2d<cpu>(3, 8, 3, {.conv = {.padding = 1}}), nn::BatchNorm2d<cpu>(8),
                     nn::ReLU<cpu>(), nn::Flatten<cpu>(), nn::Linear<cpu>(8 * 4 * 4, 5));
  CHECK(state_names(seq) ==
        std::vector<std::string>{"0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean",
                                 "1.running_var", "1.num_batches_tracked", "4.weight", "4.bias"});
  CHECK(nn::parameters(seq).size() == 6);
  CHECK(nn::parameter_count(seq) == 8 * 3 * 9 + 8 + 8 + 8 + 128 * 5 + 5);

  auto y = seq(Var<cpu>(Tensor<cpu>::randn({2, 3, 4, 4})));
  CHECK(y.shape() == Shape{2, 5});
  CHECK(seq.get<1>().num_batches_tracked == 1);

  seq.train(false);
  CHECK_FALSE(seq.training);
  CHECK_FALSE(seq.get<1>().training);
  seq(Var<cpu>(Tensor<cpu>::randn({1, 3, 4, 4})));
  CHECK(seq.get<1>().num_batches_tracked == 1);  // evaluation does not count batches
  seq.train();
  CHECK(seq.get<1>().training);
}

TEST_CASE("composing layers whose channels do not match fails at construction", "[fast]") {
  CHECK_THROWS_WITH(nn::Sequential(nn::Conv2d<cpu>(3, 64, 3), nn::BatchNorm2d<cpu>(32)),
                    "Sequential: layer 1 (BatchNorm2d) expects 32 input channels, but "
                    "layer 0 (Conv2d) gives 64");
  CHECK_THROWS_WITH(nn::Sequential(nn::Conv2d<cpu>(3, 16, 3), nn::ReLU<cpu>(),
                                   nn::MaxPool2d<cpu>(2), nn::Conv2d<cpu>(8, 4, 3)),
                    Catch::Contains("layer 3 (Conv2d) expects 8") &&
                        Catch::Contains("layer 2 (MaxPool2d) gives 16"));
  CHECK_THROWS_WITH(nn::Sequential(nn::Linear<cpu>(4, 6), nn::Linear<cpu>(5, 2)),
                    "Sequential: layer 1 (Linear) expects 5 input features, but layer 0 (Linear) "
                    "gives 6");
  CHECK_THROWS_WITH(nn::Sequential(nn::Linear<cpu>(4, 6), nn::Linear<cpu>(1, 2)),
                    Catch::Contains("layer 1 (Linear) expects 1 input feature, but"));
  // after Flatten the width depends on the image size: nothing to check
  CHECK_NOTHROW(
      nn::Sequential(nn::Conv2d<cpu>(3, 4, 3), nn::Flatten<cpu>(), nn::Linear<cpu>(100, 2)));
  // nested: the inner Sequential's output feeds the next layer
  CHECK_THROWS_WITH(nn::Sequential(nn::Sequential(nn::Conv2d<cpu>(3, 4, 1), nn::ReLU<cpu>()),
                                   nn::Conv2d<cpu>(5, 2, 1)),
                    Catch::Contains("layer 1 (Conv2d) expects 5"));
  // a nested Sequential's first layer may take channels or features
  CHECK_THROWS_WITH(nn::Sequential(nn::Conv2d<cpu>(3, 4, 1),
                                   nn::Sequential(nn::Conv2d<cpu>(1, 2, 1), nn::ReLU<cpu>())),
                    "Sequential: layer 1 (Sequential) expects 1 input channel/feature, but layer "
                    "0 (Conv2d) gives 4");
}

namespace {
template <Backend B>
struct TwoConvs {  // a composite of one's own, not a container
  nn::Conv2d<B> conv{2, 2, 1};
  nn::Sequential<nn::ReLU<B>, nn::Conv2d<B>> tail{nn::ReLU<B>(), nn::Conv2d<B>(3, 2, 1)};

  Var<B> operator()(const Var<B>& x) { return tail(conv(x)); }
  TAPENET_CHILDREN(conv, tail);
};
}  // namespace

TEST_CASE("an error inside a Sequential names the layer: its index and type", "[fast]") {
  nn::Sequential net(nn::Conv2d<cpu>(3, 4, 3, {.conv = {.padding = 1}}), nn::ReLU<cpu>(),
                     nn::Flatten<cpu>(), nn::Linear<cpu>(4 * 5 * 5, 2));
  CHECK_THROWS_WITH(
      net(Var<cpu>(Tensor<cpu>::zeros({2, 1, 5, 5}))),
      "layer 0 (Conv2d): conv2d: input has 1 channel but the weight [4, 3, 3, 3] expects 3");
  CHECK_THROWS_WITH(
      net(Var<cpu>(Tensor<cpu>::zeros({2, 3, 4, 4}))),
      Catch::StartsWith("layer 3 (Linear): linear: input [2, 64] and weight [2, 100]"));
  CHECK_THROWS_AS(net(Var<cpu>(Tensor<cpu>::zeros({2, 1, 5, 5}))), Error);  // still an Error

  // nested Sequentials give a dotted path, the layer's name in named_parameters()
  nn::Sequential outer(nn::Flatten<cpu>(), nn::Sequential(nn::ReLU<cpu>(), nn::Linear<cpu>(8, 2)));
  try {
    outer(Var<cpu>(Tensor<cpu>::zeros({2, 3, 2, 2})));
    FAIL("no error");
  } catch (const nn::LayerError& error) {
    CHECK(error.path() == "1.1");
    CHECK(error.type() == "Linear");
    CHECK_THAT(error.reason(), Catch::StartsWith("linear: input [2, 12] and weight [2, 8]"));
    CHECK(std::string(error.what()) == "layer 1.1 (Linear): " + error.reason());
  }
  // so does a Stack (ResNet's stages)
  nn::Stack<nn::Linear<cpu>> stack({nn::Linear<cpu>(3, 3), nn::Linear<cpu>(3, 3)});
  nn::Sequential with_stack(nn::ReLU<cpu>(), stack);
  CHECK_THROWS_WITH(with_stack(Var<cpu>(Tensor<cpu>::zeros({1, 4}))),
                    Catch::StartsWith("layer 1.0 (Linear): linear: "));

  // a composite in between keeps its inner path apart: which of its children is its business
  nn::Sequential with_block(nn::ReLU<cpu>(), TwoConvs<cpu>{});
  CHECK_THROWS_WITH(with_block(Var<cpu>(Tensor<cpu>::zeros({1, 2, 3, 3}))),
                    "layer 1 (Module): layer 1 (Conv2d): conv2d: input has 2 channels but the "
                    "weight [2, 3, 1, 1] expects 3");
}

TEST_CASE("layer constructors reject impossible sizes", "[fast]") {
  CHECK_THROWS_WITH(nn::Linear<cpu>(0, 3), Catch::Contains("must be positive"));
  CHECK_THROWS_WITH(nn::Conv2d<cpu>(3, 8, 0), Catch::Contains("must be positive"));
  CHECK_THROWS_WITH(nn::BatchNorm2d<cpu>(-1), Catch::Contains("must be positive"));
  nn::BatchNorm2d<cpu> bn(4);
  CHECK_THROWS_WITH(bn(Var<cpu>(Tensor<cpu>::zeros({2, 3, 2, 2}))),
                    "BatchNorm2d: input has 3 channels, expected 4");
  CHECK_THROWS_WITH(bn(Var<cpu>(Tensor<cpu>::zeros({2, 1, 2, 2}))),
                    "BatchNorm2d: input has 1 channel, expected 4");
}

TEST_CASE("initialisation follows PyTorch's and torchvision's and is reproducible", "[fast]") {
  manual_seed(42);
  nn::Linear<cpu> fc(400, 300);
  auto w = fc.weight.value().to_vector();
  double bound = 1.0 / std::sqrt(400.0);
  CHECK(*std::max_element(w.begin(), w.end()) <= bound);
  CHECK(*std::min_element(w.begin(), w.end()) >= -bound);
  CHECK(moments(fc.weight.value()).second == Approx(bound / std::sqrt(3.0)).epsilon(0.02));
  auto b = fc.bias.value().to_vector();
  CHECK(*std::max_element(b.begin(), b.end()) <= bound);

  manual_seed(42);
  nn::Linear<cpu> again(400, 300);
  CHECK(again.weight.value().to_vector() == w);

  manual_seed(1);
  auto net = models::resnet18<cpu>();
  // kaiming_normal_(mode='fan_out', nonlinearity='relu'): std = sqrt(2 / (out_channels * k * k))
  auto [mean, std] = moments(net.layer1[0].conv1.weight.value());
  CHECK(std::abs(mean) < 0.005);
  CHECK(std == Approx(std::sqrt(2.0 / (64 * 9))).epsilon(0.03));
  CHECK(moments(net.layer4[1].conv2.weight.value()).second ==
        Approx(std::sqrt(2.0 / (512 * 9))).epsilon(0.01));
  CHECK(net.bn1.weight.value().to_vector() == std::vector<float>(64, 1.0f));
  CHECK(net.bn1.bias.value().to_vector() == std::vector<float>(64, 0.0f));
  double fc_bound = 1.0 / std::sqrt(512.0);
  auto fc_w = net.fc.weight.value().to_vector();
  CHECK(*std::max_element(fc_w.begin(), fc_w.end()) <= fc_bound);
  CHECK(*std::max_element(fc_w.begin(), fc_w.end()) > 0.9 * fc_bound);
}

TEST_CASE("summary lists every layer with its output shape, parameters and FLOPs", "[fast]") {
  auto net = models::resnet18<cpu>(10);
  std::string text = nn::summary(net, {1, 3, 32, 32});
  CHECK(net.training);  // summary runs in evaluation mode and restores the mode
  CHECK(net.bn1.num_batches_tracked == 0);
  auto rows = nn::summary_rows(net, {1, 3, 32, 32});
  CHECK(rows.front().name == "conv1");
  CHECK(rows.front().output == Shape{1, 64, 16, 16});
  CHECK(rows.front().parameters == 9408);
  CHECK(rows.front().flops == 2 * 64 * 16 * 16 * 3 * 49);
  CHECK(rows.back().name == "fc");
  CHECK(rows.back().output == Shape{1, 10});
  std::int64_t total = 0;
  std::set<std::string> names;
  for (const auto& row : rows) total += row.parameters, names.insert(row.name);
  CHECK(total == 11181642);
  CHECK(names.count("layer2.0.downsample.0") == 1);
  CHECK(text.find("Total params: 11,181,642") != std::string::npos);
  CHECK(text.find("layer4.1.bn2") != std::string::npos);
}
