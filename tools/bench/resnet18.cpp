// One workload of the ResNet18 benchmark (tools/bench/resnet18.py runs them all beside PyTorch):
//   bench_resnet18 train|infer BATCH STEPS THREADS
// prints "images_per_second <x>" after two warm-up steps. The network is the tutorial's:
// resnet18 with a 10-class fc, on 32x32 images; a training step is zero_grad, forward, loss,
// backward and an SGD-momentum step.
#include <chrono>
#include <iostream>
#include <string>

#include "tapenet/tapenet.hpp"

using namespace tapenet;

int main(int argc, char** argv) try {
  if (argc != 5) fail("usage: bench_resnet18 train|infer BATCH STEPS THREADS");
  std::string mode = argv[1];
  std::int64_t batch = std::stoll(argv[2]);
  int steps = std::stoi(argv[3]);
  set_num_threads(std::stoi(argv[4]));
  if (mode != "train" && mode != "infer") fail("bench_resnet18: unknown mode ", mode);

  auto net = models::resnet18<cpu>();
  net.fc = nn::Linear<cpu>(net.fc.in_features(), 10);
  nn::CrossEntropyLoss criterion;
  optim::SGD optimizer(net.parameters(), {.lr = 0.001, .momentum = 0.9});
  Var<cpu> images(Tensor<cpu>::randn({batch, 3, 32, 32}));
  std::vector<std::int64_t> label_values(static_cast<std::size_t>(batch));
  for (std::size_t i = 0; i < label_values.size(); ++i) label_values[i] = std::int64_t(i % 10);
  auto labels = Tensor<cpu, std::int64_t>::from({batch}, label_values);

  auto step = [&] {
    if (mode == "train") {
      optimizer.zero_grad();
      auto loss = criterion(net(images), labels);
      loss.backward();
      optimizer.step();
    } else {
      NoGradGuard no_grad;
      net(images);
    }
  };
  if (mode == "infer") net.eval();
  for (int i = 0; i < 2; ++i) step();
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < steps; ++i) step();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "images_per_second " << double(batch * steps) / seconds << "\n";
} catch (const std::exception& e) {
  std::cerr << "bench_resnet18: " << e.what() << "\n";
  return 1;
}
