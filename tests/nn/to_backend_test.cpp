// nn::to<B>(layer) and net.to<B>(): a whole network copied to another backend keeps every
// parameter, buffer, counter and mode, and then computes and trains as the original does.
#include <type_traits>

#include "support/backends.hpp"
#include "tapenet/testing/check_module.hpp"

using namespace tapenet;

namespace {
template <class Layer>
bool all_parameters_are_fresh_leaves(Layer& layer) {
  for (auto& p : nn::parameters(layer))
    if (!p.is_leaf() || !p.requires_grad() || p.grad().defined()) return false;
  return true;
}

template <class Net, class T = typename Net::value_type>
Tensor<typename Net::backend_type, T> one_training_step(Net& net, const Tensor<cpu, T>& images,
                                                        const std::vector<std::int64_t>& labels) {
  using B = typename Net::backend_type;
  optim::SGD optimizer(net.parameters(), {.lr = 0.1, .momentum = 0.9});
  auto target = Tensor<B, std::int64_t>::from({std::int64_t(labels.size())}, labels);
  optimizer.zero_grad();
  auto logits = net(Var<B, T>(images.template to<B>()));
  cross_entropy(logits, target).backward();
  optimizer.step();
  return logits.value();
}
}  // namespace

// In double precision, so that the two backends' different summation orders stay far below the
// tolerance, and any real difference (a buffer left behind, a mode lost) shows.
TEST_CASE("net.to<B>() copies ResNet18 with its state, and the copy trains as the original",
          "[nn]") {
  manual_seed(3);
  auto net = models::resnet18<cpu, double>();
  net.fc = nn::Linear<cpu, double>(512, 10);
  Generator generator(4);
  auto images = Tensor<cpu, double>::randn({2, 3, 32, 32}, generator);
  one_training_step(net, images, {1, 7});  // running statistics and counters are no longer fresh

  auto moved = net.to<thrust_omp>();
  static_assert(std::is_same_v<decltype(moved), models::ResNet<thrust_omp, double>>);
  CHECK(testing::state_of(moved) == testing::state_of(net));
  CHECK(all_parameters_are_fresh_leaves(moved));

  auto logits_here = one_training_step(net, images, {3, 5});
  auto logits_there = one_training_step(moved, images, {3, 5});
  testing::require_close(logits_there, logits_here, 1e-10, 1e-12);
  auto there = testing::state_of(moved), here = testing::state_of(net);
  REQUIRE(there.size() == here.size());
  for (std::size_t i = 0; i < here.size(); ++i) {
    INFO(here[i].first);
    REQUIRE(there[i].first == here[i].first);
    for (std::size_t k = 0; k < here[i].second.size(); ++k)
      REQUIRE(there[i].second[k] == Approx(here[i].second[k]).margin(1e-10));
  }

  auto back = moved.to<cpu>();
  CHECK(testing::state_of(back) == testing::state_of(moved));
}

TEST_CASE("nn::to keeps evaluation mode and converts Sequential's layers one by one",
          "[nn][fast]") {
  manual_seed(5);
  nn::Sequential seq(nn::Conv2d<cpu>(3, 4, 3, {.conv = {.padding = 1}}), nn::BatchNorm2d<cpu>(4),
                     nn::ReLU<cpu>(), nn::MaxPool2d<cpu>(2), nn::AdaptiveAvgPool2d<cpu>(1),
                     nn::Flatten<cpu>(), nn::Linear<cpu>(4, 2, false));
  seq.train(false);
  auto moved = nn::to<thrust_omp>(seq);
  static_assert(std::is_same_v<decltype(moved.get<6>()), nn::Linear<thrust_omp>&>);
  CHECK_FALSE(moved.training);
  CHECK_FALSE(moved.get<1>().training);
  CHECK_FALSE(moved.get<6>().bias.defined());
  CHECK(moved.get<3>().kernel_size.h == 2);
  CHECK(testing::state_of(moved) == testing::state_of(seq));

  Generator generator(6);
  auto x = Tensor<cpu>::randn({2, 3, 8, 8}, generator);
  testing::require_close(moved(Var<thrust_omp>(x.to<thrust_omp>())).value(),
                         seq(Var<cpu>(x)).value(), 1e-5, 1e-6);
}

TEST_CASE("tapenet::cuda::is_available() is false in a program compiled without nvcc", "[fast]") {
  CHECK_FALSE(tapenet::cuda::is_available());
}
