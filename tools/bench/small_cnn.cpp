// The small CNN of tools/bench/contention.py: Conv-BN-ReLU-MaxPool twice, then Linear, trained
// with SGD at batch 64 on random 1x28x28 images (Fashion-MNIST's shape), timed over STEPS steps.
//   bench_small_cnn STEPS [THREADS]
// prints "seconds <x>" after two warm-up steps. Without THREADS the CPU backend picks the count.
#include <chrono>
#include <iostream>
#include <string>

#include "tapenet/tapenet.hpp"

using namespace tapenet;

int main(int argc, char** argv) try {
  if (argc != 2 && argc != 3) fail("usage: bench_small_cnn STEPS [THREADS]");
  int steps = std::stoi(argv[1]);
  if (argc == 3) set_num_threads(std::stoi(argv[2]));
  manual_seed(0);
  auto net = nn::Sequential(nn::Conv2d<cpu>(1, 32, 3, {.conv = {.padding = 1}}),
                            nn::BatchNorm2d<cpu>(32), nn::ReLU<cpu>(), nn::MaxPool2d<cpu>(2),
                            nn::Conv2d<cpu>(32, 64, 3, {.conv = {.padding = 1}}),
                            nn::BatchNorm2d<cpu>(64), nn::ReLU<cpu>(), nn::MaxPool2d<cpu>(2),
                            nn::Flatten<cpu>(), nn::Linear<cpu>(64 * 7 * 7, 10));
  nn::CrossEntropyLoss criterion;
  optim::SGD optimizer(net.parameters(), {.lr = 0.01, .momentum = 0.9});
  const std::int64_t batch = 64;
  Var<cpu> images(Tensor<cpu>::randn({batch, 1, 28, 28}));
  std::vector<std::int64_t> label_values(batch);
  for (std::int64_t i = 0; i < batch; ++i) label_values[std::size_t(i)] = i % 10;
  auto labels = Tensor<cpu, std::int64_t>::from({batch}, label_values);
  auto step = [&] {
    optimizer.zero_grad();
    criterion(net(images), labels).backward();
    optimizer.step();
  };
  for (int i = 0; i < 2; ++i) step();
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < steps; ++i) step();
  std::cout << "seconds "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
            << "\n";
} catch (const std::exception& e) {
  std::cerr << "bench_small_cnn: " << e.what() << "\n";
  return 1;
}
