// One convolution layer, timed alone: the per-layer table of tools/bench/resnet18.py.
//   bench_conv_layer BATCH IN OUT KERNEL STRIDE PADDING SIZE STEPS THREADS   (THREADS 0: default)
// prints "forward_seconds <x>" and "backward_seconds <y>", each per step, averaged over STEPS
// steps after two warm-up steps. The input is [BATCH, IN, SIZE, SIZE] and requires grad, so
// backward computes both the input's and the weight's gradient (of the output's sum), as in
// training.
#include <chrono>
#include <iostream>
#include <string>

#include "tapenet/tapenet.hpp"

using namespace tapenet;

int main(int argc, char** argv) try {
  if (argc != 10)
    fail("usage: bench_conv_layer BATCH IN OUT KERNEL STRIDE PADDING SIZE STEPS THREADS");
  std::int64_t arg[8];
  for (int i = 0; i < 8; ++i) arg[i] = std::stoll(argv[i + 1]);
  auto [batch, in, out, kernel, stride, padding, size, steps] = arg;
  if (int threads = std::stoi(argv[9]); threads > 0) set_num_threads(threads);
  nn::Conv2d<cpu> conv(in, out, kernel,
                       {.conv = {.stride = stride, .padding = padding}, .bias = false});
  Var<cpu> x(Tensor<cpu>::randn({batch, in, size, size}), true);
  double forward = 0, backward = 0;
  using Clock = std::chrono::steady_clock;
  for (std::int64_t step = -2; step < steps; ++step) {  // steps -2 and -1 warm up
    auto start = Clock::now();
    auto total = sum(conv(x));
    auto middle = Clock::now();
    total.backward();
    auto end = Clock::now();
    if (step < 0) continue;
    forward += std::chrono::duration<double>(middle - start).count();
    backward += std::chrono::duration<double>(end - middle).count();
  }
  std::cout << "forward_seconds " << forward / double(steps) << "\nbackward_seconds "
            << backward / double(steps) << "\n";
} catch (const std::exception& e) {
  std::cerr << "bench_conv_layer: " << e.what() << "\n";
  return 1;
}
