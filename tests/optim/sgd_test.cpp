// SGD and the learning-rate schedulers against torch.optim, step by step.
#include "support/backends.hpp"
#include "support/fixtures.hpp"

using namespace tapenet;
using testing::require_close;

namespace {
const testing::Fixtures& fixtures() {
  static const testing::Fixtures file("layers.txt");
  return file;
}
}  // namespace

TEMPLATE_TEST_CASE("SGD matches torch.optim.SGD for every option", "[fast][parity]",
                   TAPENET_BACKENDS) {
  using B = TestType;
  struct Case {
    const char* name;
    optim::SGDOptions options;
  };
  for (const Case& c :
       {Case{"sgd_plain", {.lr = 0.1}}, Case{"sgd_momentum", {.lr = 0.01, .momentum = 0.9}},
        Case{"sgd_all", {.lr = 0.05, .momentum = 0.8, .dampening = 0.3, .weight_decay = 0.01}},
        Case{"sgd_nesterov",
             {.lr = 0.02, .momentum = 0.9, .weight_decay = 5e-4, .nesterov = true}}}) {
    std::string name = c.name;
    INFO(name);
    Var<B> p(fixtures().tensor<B>(name + ".param"), true);
    optim::SGD optimizer({p}, c.options);
    for (int step = 0; step < 4; ++step) {
      INFO("step " << step);
      optimizer.zero_grad();
      p.accumulate_grad(fixtures().tensor<B>(name + ".grad" + std::to_string(step)));
      optimizer.step();
      require_close(p.value(), fixtures().tensor<B>(name + ".param" + std::to_string(step)));
    }
  }
}

TEST_CASE("SGD leaves parameters without a gradient alone and checks its options", "[fast]") {
  Var<cpu> a(Tensor<cpu>::ones({2}), true), b(Tensor<cpu>::ones({2}), true);
  optim::SGD optimizer({a, b}, {.lr = 0.5, .momentum = 0.9});
  a.accumulate_grad(Tensor<cpu>::ones({2}));
  optimizer.step();
  CHECK(a.value().to_vector() == std::vector<float>{0.5f, 0.5f});
  CHECK(b.value().to_vector() == std::vector<float>{1.0f, 1.0f});
  CHECK_FALSE(optimizer.momentum_buffer(1).defined());
  optimizer.zero_grad();
  CHECK_FALSE(a.grad().defined());

  CHECK_THROWS_WITH(optim::SGD({a}, {.lr = -1}), "SGD: invalid learning rate -1");
  CHECK_THROWS_WITH(optim::SGD({a}, {.lr = 0.1, .nesterov = true}),
                    Catch::Contains("nesterov momentum needs a momentum above 0"));
  Var<cpu> frozen(Tensor<cpu>::ones({2}));
  CHECK_THROWS_WITH(optim::SGD({frozen}, {}), Catch::Contains("must be a leaf variable"));
}

TEST_CASE("StepLR and CosineAnnealingLR match PyTorch's learning rates", "[fast][parity]") {
  Var<cpu> p(Tensor<cpu>::zeros({1}), true);
  optim::SGD<cpu> step_optimizer({p}, {.lr = 0.1});
  optim::StepLR step_lr(step_optimizer, 3, 0.5);
  optim::SGD<cpu> cosine_optimizer({p}, {.lr = 0.1});
  optim::CosineAnnealingLR cosine(cosine_optimizer, 7, 0.001);
  auto expected_step = fixtures().tensor<cpu, double>("step_lr.lrs").to_vector();
  auto expected_cosine = fixtures().tensor<cpu, double>("cosine_lr.lrs").to_vector();
  // PyTorch's CosineAnnealingLR is defined for epochs up to T_max; beyond it, it turns back up
  // along the same cosine, as does the closed form used here.
  for (std::size_t epoch = 0; epoch < expected_step.size(); ++epoch) {
    INFO("epoch " << epoch + 1);
    step_lr.step();
    cosine.step();
    CHECK(step_optimizer.options.lr == Approx(expected_step[epoch]).epsilon(1e-12));
    CHECK(cosine_optimizer.options.lr == Approx(expected_cosine[epoch]).epsilon(1e-9));
  }
  CHECK(step_lr.last_epoch() == 10);
  CHECK(cosine.get_last_lr() == cosine_optimizer.options.lr);
}
