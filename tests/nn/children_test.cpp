// A composite declares its children once (TAPENET_CHILDREN); names, modes, parameters, moves
// between backends and summary() all follow from that one list, for a user's struct as for ResNet.

#include "support/backends.hpp"

using namespace tapenet;

namespace {
template <Backend B>
struct SmallNet {
  nn::Conv2d<B> conv{1, 4, 3, {.conv = {.padding = 1}}};
  nn::BatchNorm2d<B> bn{4};
  nn::ReLU<B> relu;
  nn::MaxPool2d<B> pool{2};
  nn::Dropout<B> dropout{0.5};
  nn::Linear<B> fc{4 * 4 * 4, 3};

  Var<B> operator()(const Var<B>& x) { return fc(dropout(flatten(pool(relu(bn(conv(x)))), 1))); }
  TAPENET_CHILDREN(conv, bn, relu, pool, dropout, fc);
};

// The names of the layers inside `layer` (and itself, "") whose mode is `training`.
template <class L>
std::vector<std::string> layers_in_mode(L& layer, bool training) {
  std::vector<std::string> names;
  nn::for_each_module(layer, [&](const std::string& name, auto& inner) {
    if (inner.training == training) names.push_back(name);
  });
  return names;
}
}  // namespace

TEST_CASE("a user's composite: names, parameters and modes from one declaration", "[fast]") {
  SmallNet<cpu> net;
  std::vector<std::string> names;
  for (auto& [name, parameter] : net.named_parameters()) names.push_back(name);
  CHECK(names == std::vector<std::string>{"conv.weight", "conv.bias", "bn.weight", "bn.bias",
                                          "fc.weight", "fc.bias"});
  CHECK(net.parameters().size() == 6);
  CHECK(nn::parameter_count(net) == 4 * 9 + 4 + 4 + 4 + 64 * 3 + 3);

  auto x = Var<cpu>(Tensor<cpu>::randn({2, 1, 8, 8}));
  CHECK(net(x).value().to_vector() != net(x).value().to_vector());  // a new dropout mask each call
  net.eval();
  CHECK(layers_in_mode(net, true).empty());
  CHECK(net(x).value().to_vector() == net(x).value().to_vector());  // dropout is the identity
  CHECK(net.bn.num_batches_tracked == 2);                           // eval mode counts nothing
  net.train();
  CHECK(layers_in_mode(net, false).empty());
}

TEST_CASE("ResNet's eval() and train() reach every layer inside it", "[fast]") {
  auto net = models::resnet18<cpu>(10);
  net.eval();
  CHECK(layers_in_mode(net, true).empty());
  net.train();
  CHECK(layers_in_mode(net, false).empty());
  // ResNet, its 10 children, 8 blocks of 5 layers each, 3 downsamples of 2
  CHECK(layers_in_mode(net, true).size() == 1 + 10 + 8 * 6 + 3 * 3);
}

TEST_CASE("to<B>() moves a user's composite with its state and mode, and back", "[fast]") {
  manual_seed(3);
  SmallNet<cpu> net;
  net(Var<cpu>(Tensor<cpu>::randn({2, 1, 8, 8})));  // moves BatchNorm's running statistics
  net.eval();
  auto moved = net.to<thrust_omp>();
  static_assert(std::is_same_v<decltype(moved), SmallNet<thrust_omp>>);
  CHECK(layers_in_mode(moved, true).empty());
  CHECK(moved.bn.num_batches_tracked == 1);
  CHECK(moved.dropout.p == 0.5);
  auto back = moved.to<cpu>();
  auto here = net.named_parameters();
  auto there = back.named_parameters();
  REQUIRE(here.size() == there.size());
  for (std::size_t i = 0; i < here.size(); ++i)
    CHECK(here[i].second.value().to_vector() == there[i].second.value().to_vector());
  CHECK(back.bn.running_mean.to_vector() == net.bn.running_mean.to_vector());
  auto x = Tensor<cpu>::randn({3, 1, 8, 8});
  testing::require_close(moved(Var<thrust_omp>(x.to<thrust_omp>())).value(),
                         net(Var<cpu>(x)).value());
}

TEST_CASE("summary() finds a user's layers by their declared names", "[fast]") {
  SmallNet<cpu> net;
  auto rows = nn::summary_rows(net, {1, 1, 8, 8});
  std::vector<std::string> names;
  for (const auto& row : rows) names.push_back(row.name + " " + row.type);
  CHECK(names == std::vector<std::string>{"conv Conv2d", "bn BatchNorm2d", "relu ReLU",
                                          "pool MaxPool2d", "dropout Dropout", "fc Linear"});
  CHECK(rows.back().output == Shape{1, 3});
  CHECK(net.training);
}
