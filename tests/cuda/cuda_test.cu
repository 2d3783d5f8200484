// The [cuda] tests: the GPU backend against the CPU backend, on a real device. The cuda_tests
// program also holds the main suite's backend-generic tests, run there on cpu and cuda. Compiled
// by nvcc in every CI run; where no device is present the program says so and exits 77, which
// CTest reports as skipped. tools/gpu_check.sh runs it on the GPU machine.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>

#include "tapenet/tapenet.hpp"

// Not `using namespace tapenet`: CUDA has a global namespace cuda, which would clash with
// tapenet::cuda.
using tapenet::cpu, tapenet::Generator, tapenet::Tensor, tapenet::Var;
using gpu = tapenet::cuda;
namespace nn = tapenet::nn;

namespace {
// GPU and CPU agree within 1e-3 relative (and 1e-5 absolute, for values near zero): they sum in
// different orders, and float keeps about 7 digits.
template <class T, class U>
void require_close(const Tensor<gpu, T>& on_gpu, const Tensor<cpu, U>& on_cpu, double rtol = 1e-3,
                   double atol = 1e-5) {
  REQUIRE(on_gpu.shape() == on_cpu.shape());
  auto g = on_gpu.to_vector();
  auto c = on_cpu.to_vector();
  for (std::size_t i = 0; i < c.size(); ++i) {
    INFO("element " << i << ": gpu " << double(g[i]) << ", cpu " << double(c[i]));
    REQUIRE(std::abs(double(g[i]) - double(c[i])) <= atol + rtol * std::abs(double(c[i])));
  }
}

template <class Net>
Var<typename Net::backend_type> train_step(Net& net, const Tensor<cpu>& images,
                                           const std::vector<std::int64_t>& labels) {
  using B = typename Net::backend_type;
  tapenet::optim::SGD optimizer(nn::parameters(net), {.lr = 0.01, .momentum = 0.9});
  optimizer.zero_grad();
  auto target = Tensor<B, std::int64_t>::from({std::int64_t(labels.size())}, labels);
  auto loss = tapenet::cross_entropy(net(Var<B>(images.to<B>())), target);
  loss.backward();
  optimizer.step();
  return loss;
}
}  // namespace

TEST_CASE("every layer's forward and backward on the GPU match the CPU", "[cuda]") {
  tapenet::manual_seed(1);
  nn::Sequential net(nn::Conv2d<cpu>(3, 8, 3, {.conv = {.stride = 2, .padding = 1}}),
                     nn::BatchNorm2d<cpu>(8), nn::ReLU<cpu>(),
                     nn::MaxPool2d<cpu>(3, {.stride = 2, .padding = 1}),
                     nn::AdaptiveAvgPool2d<cpu>(1), nn::Flatten<cpu>(), nn::Linear<cpu>(8, 10));
  auto on_gpu = nn::to<gpu>(net);
  Generator generator(2);
  auto images = Tensor<cpu>::randn({4, 3, 16, 16}, generator);
  auto loss_cpu = train_step(net, images, {0, 3, 9, 3});
  auto loss_gpu = train_step(on_gpu, images, {0, 3, 9, 3});
  require_close(loss_gpu.value(), loss_cpu.value());
  auto here = nn::named_parameters(net);
  auto there = nn::named_parameters(on_gpu);
  for (std::size_t i = 0; i < here.size(); ++i) {
    INFO(here[i].first);
    require_close(there[i].second.grad(), here[i].second.grad());
    require_close(there[i].second.value(), here[i].second.value());
  }
  require_close(on_gpu.get<1>().running_var, net.get<1>().running_var);
}

TEST_CASE("a ResNet18 training step on the GPU matches the CPU's", "[cuda]") {
  tapenet::manual_seed(3);
  auto net = tapenet::models::resnet18<cpu>();
  net.fc = nn::Linear<cpu>(512, 10);
  auto on_gpu = net.to<gpu>();
  Generator generator(4);
  auto images = Tensor<cpu>::randn({4, 3, 32, 32}, generator);
  for (int step = 0; step < 2; ++step) {
    require_close(train_step(on_gpu, images, {1, 2, 3, 4}).value(),
                  train_step(net, images, {1, 2, 3, 4}).value());
  }
  require_close(on_gpu.layer4[1].bn2.running_mean, net.layer4[1].bn2.running_mean);
  require_close(on_gpu.fc.weight.value(), net.fc.weight.value());
  on_gpu.eval(), net.eval();
  tapenet::NoGradGuard no_grad;
  require_close(on_gpu(Var<gpu>(images.to<gpu>())).value(), net(Var<cpu>(images)).value());
}

TEST_CASE("after the first step, training takes no new device memory", "[cuda]") {
  auto net = tapenet::models::resnet18<gpu>(10);
  Generator generator(5);
  auto images = Tensor<cpu>::randn({8, 3, 32, 32}, generator);
  train_step(net, images, {0, 1, 2, 3, 4, 5, 6, 7});
  gpu::synchronize();
  std::size_t free_after_first = 0, free_after_third = 0, total = 0;
  cudaMemGetInfo(&free_after_first, &total);
  train_step(net, images, {0, 1, 2, 3, 4, 5, 6, 7});
  train_step(net, images, {0, 1, 2, 3, 4, 5, 6, 7});
  gpu::synchronize();
  cudaMemGetInfo(&free_after_third, &total);
  CHECK(free_after_third == free_after_first);
  CHECK(gpu::cached_bytes() > 0);
}

TEST_CASE("cuBLAS GEMM: plain FP32 by default, TF32 only when allowed", "[cuda]") {
  Generator generator(6);
  auto a = Tensor<cpu>::randn({512, 512}, generator), b = Tensor<cpu>::randn({512, 512}, generator);
  auto expected = tapenet::kernels::matmul(a, b);
  for (bool ta : {false, true})
    for (bool tb : {false, true}) {
      INFO("transpose a: " << ta << ", transpose b: " << tb);
      require_close(tapenet::kernels::matmul(a.to<gpu>(), b.to<gpu>(), ta, tb),
                    tapenet::kernels::matmul(a, b, ta, tb), 1e-4, 1e-3);
    }
  gpu::allow_tf32(true);
  auto tf32 = tapenet::kernels::matmul(a.to<gpu>(), b.to<gpu>());
  gpu::allow_tf32(false);
  require_close(tf32, expected, 1e-2, 5e-2);  // about 3 decimal digits: still the same product
  double largest_difference = 0;
  auto t = tf32.to_vector(), e = expected.to_vector();
  for (std::size_t i = 0; i < e.size(); ++i)
    largest_difference = std::max(largest_difference, std::abs(double(t[i]) - double(e[i])));
  CHECK(largest_difference > 1e-3);  // and the switch did switch
}

TEST_CASE("to<gpu>() and to<cpu>() copy tensors exactly", "[cuda]") {
  Generator generator(7);
  auto x = Tensor<cpu>::randn({3, 1000}, generator);
  CHECK(x.to<gpu>().to<cpu>().to_vector() == x.to_vector());
  auto labels = Tensor<cpu, std::int64_t>::from({3}, {4, 5, 6});
  CHECK(labels.to<gpu>().to_vector() == labels.to_vector());
}

int main(int argc, char** argv) {
  if (!gpu::is_available()) {
    std::printf("skipped: no CUDA device here (compiled fine, nothing to run)\n");
    return 77;
  }
  return Catch::Session().run(argc, argv);
}
