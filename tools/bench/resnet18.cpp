// One workload of the ResNet18 benchmark (tools/bench/resnet18.py runs them all beside PyTorch on
// the CPU, tools/bench/resnet18_gpu.py on a GPU):
//   bench_resnet18 train|infer BATCH STEPS THREADS [cpu|cuda]      (THREADS 0: the default)
// prints "forward_flops_per_image <f>" and "images_per_second <x>" after two warm-up steps (and on
// the GPU "peak_device_bytes <n>", the most device memory held at once). The network is the
// tutorial's: resnet18 with a 10-class fc, on 32x32 images; a training step is zero_grad, forward,
// loss, backward and an SGD-momentum step. bench_resnet18_gpu is this file compiled by nvcc.
#include <chrono>
#include <iostream>
#include <string>

#include "tapenet/tapenet.hpp"

using tapenet::Backend, tapenet::Tensor, tapenet::Var;

template <Backend B>
void run(const std::string& mode, std::int64_t batch, int steps) {
  namespace nn = tapenet::nn;
  auto net = tapenet::models::resnet18<B>();
  net.fc = nn::Linear<B>(net.fc.in_features(), 10);
  nn::CrossEntropyLoss criterion;
  tapenet::optim::SGD optimizer(net.parameters(), {.lr = 0.001, .momentum = 0.9});
  Var<B> images(Tensor<B>::randn({batch, 3, 32, 32}));
  std::vector<std::int64_t> label_values(static_cast<std::size_t>(batch));
  for (std::size_t i = 0; i < label_values.size(); ++i) label_values[i] = std::int64_t(i % 10);
  auto labels = Tensor<B, std::int64_t>::from({batch}, label_values);

  auto step = [&] {
    if (mode == "train") {
      optimizer.zero_grad();
      auto loss = criterion(net(images), labels);
      loss.backward();
      optimizer.step();
    } else {
      tapenet::NoGradGuard no_grad;
      net(images);
    }
  };
  // A GPU runs behind the host: wait for it before reading the clock.
  auto finish = [] {
    if constexpr (requires { B::synchronize(); }) B::synchronize();
  };
  std::int64_t flops = 0;
  for (const auto& row : nn::summary_rows(net, {1, 3, 32, 32})) flops += row.flops;
  std::cout << "forward_flops_per_image " << flops << "\n";
  if (mode == "infer") net.eval();
  for (int i = 0; i < 2; ++i) step();
  finish();
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < steps; ++i) step();
  finish();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "images_per_second " << double(batch * steps) / seconds << "\n";
  if constexpr (requires { B::peak_reserved_bytes(); })
    std::cout << "peak_device_bytes " << B::peak_reserved_bytes() << "\n";
}

int main(int argc, char** argv) try {
  using tapenet::fail;
  if (argc != 5 && argc != 6)
    fail("usage: bench_resnet18 train|infer BATCH STEPS THREADS [cpu|cuda]");
  std::string mode = argv[1], device = argc == 6 ? argv[5] : "cpu";
  std::int64_t batch = std::stoll(argv[2]);
  int steps = std::stoi(argv[3]);
  if (int threads = std::stoi(argv[4]); threads > 0) tapenet::set_num_threads(threads);
  if (mode != "train" && mode != "infer") fail("unknown mode ", mode);
#if defined(__CUDACC__)
  if (device == "cuda") {
    if (!tapenet::cuda::is_available()) fail("no CUDA device here");
    run<tapenet::cuda>(mode, batch, steps);
    return 0;
  }
#endif
  if (device != "cpu") fail("device ", device, " is not in this build");
  run<tapenet::cpu>(mode, batch, steps);
} catch (const std::exception& e) {
  std::cerr << "bench_resnet18: " << e.what() << "\n";
  return 1;
}
