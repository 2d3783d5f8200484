// Where OpenMP starts to pay in the CPU backend: times a cheap element-wise kernel (ReLU) on one
// thread and on all threads, over sizes around cpu::parallel_grain, and prints the speed-up.
// Below the grain the CPU backend stays on one thread; above it, the speed-up should be > 1.
//   usage: bench_parallel_grain [THREADS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "tapenet/tapenet.hpp"

using namespace tapenet;

double best_microseconds(int threads, std::int64_t count) {
  set_num_threads(threads);
  auto x = Tensor<cpu>::randn({count});
  auto out = Tensor<cpu>::empty({count});
  kernels::MapKernel<float, kernels::Relu> relu{x.data(), out.data(), {}};
  double best = 1e30;
  for (int round = 0; round < 2000; ++round) {
    auto start = std::chrono::steady_clock::now();
    cpu::for_each(count, relu);
    best = std::min(
        best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best * 1e6;
}

int main(int argc, char** argv) try {
  int threads = argc > 1 ? std::stoi(argv[1]) : get_num_threads();
  std::printf("parallel_grain = %lld elements, %d threads\n",
              static_cast<long long>(cpu::parallel_grain), threads);
  // All sizes on one thread, then all on every thread: switching the thread count between two
  // measurements leaves OpenMP's workers asleep and makes the second one look slow.
  const std::vector<std::int64_t> counts = {1024, 2048, 4096, 8192, 32768, 262144};
  std::vector<double> one, all;
  for (auto count : counts) one.push_back(best_microseconds(1, count));
  for (auto count : counts) all.push_back(best_microseconds(threads, count));
  for (std::size_t i = 0; i < counts.size(); ++i)
    std::printf("relu over %7lld: 1 thread %7.2f us, %d threads %7.2f us, speed-up %.2f\n",
                static_cast<long long>(counts[i]), one[i], threads, all[i], one[i] / all[i]);
  return 0;
} catch (const std::exception& error) {
  std::fprintf(stderr, "bench_parallel_grain: %s\n", error.what());
  return 1;
}
