// check_module on every layer and every composite, on both CPU backends (each moved to the other),
// and on two broken modules, whose faults it must name.
#include "tapenet/testing/check_module.hpp"
#include "support/backends.hpp"

using namespace tapenet;

namespace {
struct OneThread {
  int saved = get_num_threads();
  OneThread() { set_num_threads(1); }
  ~OneThread() { set_num_threads(saved); }
};

template <Backend B>
using OtherBackend = std::conditional_t<std::is_same_v<B, cpu>, thrust_omp, cpu>;

template <Backend B, class M>
void require_passes(M&& module, const Shape& input, std::int64_t elements_per_tensor = 16) {
  auto result = testing::check_module<OtherBackend<B>>(
      module, input, {.elements_per_tensor = elements_per_tensor});
  INFO(nn::type_name<std::remove_cvref_t<M>>() << ": " << result.message);
  REQUIRE(result.ok);
}

template <Backend B, class T = double>
struct SmallNet {
  nn::Conv2d<B, T> conv{2, 3, 3, {.conv = {.padding = 1}}};
  nn::BatchNorm2d<B, T> bn{3};
  nn::ReLU<B, T> relu;
  nn::Dropout<B, T> dropout{0.3};
  nn::Linear<B, T> fc{3 * 4 * 4, 2};

  Var<B, T> operator()(const Var<B, T>& x) { return fc(dropout(flatten(relu(bn(conv(x))), 1))); }
  TAPENET_CHILDREN(conv, bn, relu, dropout, fc);
};

// x * x with a wrong backward (the factor 2 forgotten).
template <Backend B, class T = double>
struct BrokenSquare : nn::Stateless<B, T> {
  using nn::Stateless<B, T>::Stateless;
  static constexpr const char* type_name = "BrokenSquare";
  Var<B, T> operator()(const Var<B, T>& x) {
    auto backward = [x](const Tensor<B, T>& grad) {
      x.accumulate_grad(kernels::zip(grad, x.value(), kernels::Mul{}));
    };
    return Var<B, T>::record("broken_square", kernels::zip(x.value(), x.value(), kernels::Mul{}),
                             {x}, backward);
  }
  TAPENET_MODULE_METHODS
};

// Switches its own mode and its Linear's, but not its Dropout's: the kind of bug ResNet::train
// had when every composite listed its children by hand.
template <Backend B, class T = double>
struct Forgetful {
  using backend_type = B;
  using value_type = T;
  nn::Linear<B, T> fc{4, 4};
  nn::Dropout<B, T> dropout{0.5};
  bool training = true;

  Forgetful() = default;
  template <Backend From>
  explicit Forgetful(const Forgetful<From, T>& other)
      : fc(other.fc), dropout(other.dropout), training(other.training) {}

  Var<B, T> operator()(const Var<B, T>& x) { return dropout(fc(x)); }
  template <class F>
  void for_each_child(F&& f) {
    f("fc", fc);
    f("dropout", dropout);
  }
  template <class Visitor>
  void visit(const std::string& prefix, Visitor&& visitor) {
    nn::visit_children(*this, prefix, visitor);
  }
  void train(bool on = true) {
    training = on;
    fc.train(on);
  }
};
}  // namespace

TEMPLATE_TEST_CASE("check_module: every layer", "[fast]", TAPENET_BACKENDS) {
  using B = TestType;
  using T = double;
  require_passes<B>(nn::Linear<B, T>(3, 4), {2, 3});
  require_passes<B>(nn::Conv2d<B, T>(2, 3, 3, {.conv = {.stride = 2, .padding = 1}}), {2, 2, 5, 5});
  require_passes<B>(nn::Conv2d<B, T>(2, 3, {1, 3}, {.bias = false}), {1, 2, 4, 4});
  require_passes<B>(nn::BatchNorm2d<B, T>(3), {4, 3, 2, 2});
  require_passes<B>(nn::ReLU<B, T>(), {2, 5});
  require_passes<B>(nn::Flatten<B, T>(), {2, 2, 2, 2});
  require_passes<B>(nn::MaxPool2d<B, T>(2), {1, 2, 4, 4});
  require_passes<B>(nn::AdaptiveAvgPool2d<B, T>(1), {2, 2, 3, 3});
  require_passes<B>(nn::Dropout<B, T>(0.3), {4, 6});
}

TEMPLATE_TEST_CASE("check_module: every composite", "[slow]", TAPENET_BACKENDS) {
  using B = TestType;
  using T = double;
  // Thousands of forward passes on tensors of a few hundred elements: threads only wait for each
  // other, and beside another test on 2 cores this took 100 s instead of 5.
  OneThread one_thread;
  require_passes<B>(nn::Sequential(nn::Conv2d<B, T>(2, 3, 3), nn::BatchNorm2d<B, T>(3),
                                   nn::ReLU<B, T>(), nn::Flatten<B, T>(), nn::Linear<B, T>(12, 2)),
                    {3, 2, 4, 4});
  require_passes<B>(SmallNet<B>(), {2, 2, 4, 4});
  require_passes<B>(models::basic_block<B, T>(2, 4, 2), {2, 2, 4, 4});
  require_passes<B>(nn::Stack(std::vector{models::basic_block<B, T>(2, 2, 1),
                                          models::basic_block<B, T>(2, 2, 1)}),
                    {2, 2, 3, 3});
  // ResNet's 62 tensors: one element of each, by central differences
  require_passes<B>(models::resnet<B, T>({1, 1, 1, 1}, 3, models::Stem::cifar), {2, 3, 8, 8}, 1);
}

TEST_CASE("check_module names a wrong gradient and a mode that does not reach a child", "[fast]") {
  BrokenSquare<cpu> square;
  auto result = testing::check_module<thrust_omp>(square, {2, 3});
  CHECK_FALSE(result.ok);
  CHECK_THAT(result.message, Catch::StartsWith("training mode: gradient of the input element 0: "
                                               "backward() gives"));
  Forgetful<cpu> forgetful;
  result = testing::check_module<thrust_omp>(forgetful, {2, 4});
  CHECK_FALSE(result.ok);
  CHECK(result.message == "eval() did not reach dropout");
}
