// GEMM throughput of the Eigen CPU backend: prints "size gflops" lines for tools/bench/gemm.py,
// which runs torch.mm beside it and prints the ratio.
//   usage: bench_gemm THREADS ROUNDS SIZE...
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "tapenet/tapenet.hpp"

int main(int argc, char** argv) try {
  using namespace tapenet;
  if (argc < 4) fail("usage: bench_gemm THREADS ROUNDS SIZE...");
  set_num_threads(std::stoi(argv[1]));
  int rounds = std::stoi(argv[2]);
  for (int arg = 3; arg < argc; ++arg) {
    std::int64_t n = std::stoll(argv[arg]);
    auto a = Tensor<cpu>::randn({n, n}), b = Tensor<cpu>::randn({n, n});
    auto c = Tensor<cpu>::empty({n, n});
    cpu::gemm(false, false, n, n, n, 1.0f, a.data(), b.data(), 0.0f, c.data());  // warm-up
    double best = 1e30;
    for (int r = 0; r < rounds; ++r) {
      auto start = std::chrono::steady_clock::now();
      cpu::gemm(false, false, n, n, n, 1.0f, a.data(), b.data(), 0.0f, c.data());
      best = std::min(
          best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::printf("%lld %.2f\n", static_cast<long long>(n), 2.0 * n * n * n / best / 1e9);
  }
  return 0;
} catch (const std::exception& error) {
  std::fprintf(stderr, "bench_gemm: %s\n", error.what());
  return 1;
}
