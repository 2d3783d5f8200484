// Each op's output and input gradients against the real PyTorch, in float32, on every backend.
// The fixtures hold inputs, the weights R, out = op(inputs), and the gradients of sum(out * R).
#include <functional>

#include "support/parity.hpp"

using namespace tapenet;
using tapenet::testing::require_close;

namespace {
template <class B>
using Inputs = testing::Inputs<B>;

template <class B>
void check_against_pytorch(
    const std::string& name, const std::vector<std::string>& input_names,
    const std::function<Var<B>(const Inputs<B>&, const testing::Fixtures&)>& op) {
  static const testing::Fixtures fixtures("autograd.txt");
  testing::check_against_pytorch<B>(fixtures, name, input_names,
                                    [&](const Inputs<B>& inputs) { return op(inputs, fixtures); });
}
}  // namespace

TEMPLATE_TEST_CASE("PyTorch parity: add, sub, mul with broadcasting", "[fast][parity]",
                   TAPENET_BACKENDS) {
  using B = TestType;
  auto add_op = [](const Inputs<B>& x, const testing::Fixtures&) { return x[0] + x[1]; };
  for (std::string name : {"add_same", "add_bias", "add_channel"})
    check_against_pytorch<B>(name, {"a", "b"}, add_op);
  check_against_pytorch<B>(
      "sub_both_broadcast", {"a", "b"},
      [](const Inputs<B>& x, const testing::Fixtures&) { return x[0] - x[1]; });
  check_against_pytorch<B>(
      "mul_broadcast", {"a", "b"},
      [](const Inputs<B>& x, const testing::Fixtures&) { return x[0] * x[1]; });
}

TEMPLATE_TEST_CASE("PyTorch parity: matmul, sum, mean, reshape, flatten, relu", "[fast][parity]",
                   TAPENET_BACKENDS) {
  using B = TestType;
  using F = const testing::Fixtures&;
  check_against_pytorch<B>("matmul", {"a", "b"},
                           [](const Inputs<B>& x, F) { return matmul(x[0], x[1]); });
  check_against_pytorch<B>("sum", {"a"}, [](const Inputs<B>& x, F) { return sum(x[0]); });
  check_against_pytorch<B>("mean", {"a"}, [](const Inputs<B>& x, F) { return mean(x[0]); });
  check_against_pytorch<B>("reshape", {"a"}, [](const Inputs<B>& x, F) {
    return reshape(x[0], {4, -1});
  });
  check_against_pytorch<B>("flatten", {"a"},
                           [](const Inputs<B>& x, F) { return flatten(x[0], 1); });
  check_against_pytorch<B>("relu", {"a"}, [](const Inputs<B>& x, F) { return relu(x[0]); });
}

TEMPLATE_TEST_CASE("PyTorch parity: log_softmax, nll_loss, cross_entropy", "[fast][parity]",
                   TAPENET_BACKENDS) {
  using B = TestType;
  using F = const testing::Fixtures&;
  auto target = [](F fixtures, const std::string& name) {
    return fixtures.tensor<B, std::int64_t>(name + ".target");
  };
  check_against_pytorch<B>("log_softmax", {"a"},
                           [](const Inputs<B>& x, F) { return log_softmax(x[0], 1); });
  check_against_pytorch<B>("log_softmax_middle", {"a"},
                           [](const Inputs<B>& x, F) { return log_softmax(x[0], 1); });
  for (std::string name : {"nll_loss", "nll_loss_ignore"})
    check_against_pytorch<B>(
        name, {"a"}, [&](const Inputs<B>& x, F f) { return nll_loss(x[0], target(f, name)); });
  check_against_pytorch<B>("cross_entropy", {"a"}, [&](const Inputs<B>& x, F f) {
    return cross_entropy(x[0], target(f, "cross_entropy"));
  });
}

TEMPLATE_TEST_CASE("PyTorch parity: a small network through every op", "[fast][parity]",
                   TAPENET_BACKENDS) {
  using B = TestType;
  check_against_pytorch<B>("mlp", {"x", "w1", "b1", "w2", "b2"},
                           [](const Inputs<B>& p, const testing::Fixtures& f) {
                             auto hidden = relu(matmul(reshape(p[0], {4, 6}), p[1]) + p[2]);
                             return cross_entropy(flatten(matmul(hidden, p[3]) + p[4], 1),
                                                  f.tensor<B, std::int64_t>("mlp.target"));
                           });
}
