// The machine's peak: how many float multiply-adds per second its cores can do, measured, not
// taken from a data sheet (the clock under load and the number of FMA units vary).
//   bench_fma_peak [THREADS]
// prints "gflops <x>" for THREADS threads at once (default: all), each running independent chains
// of vector FMAs that never touch memory: the ceiling every kernel is measured against.
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "tapenet/tapenet.hpp"

// As wide as the compiler may vectorise for this build: 16 floats with AVX-512, 8 with AVX2.
#if defined(__AVX512F__)
constexpr int lanes = 16;
#elif defined(__AVX__)
constexpr int lanes = 8;
#else
constexpr int lanes = 4;
#endif
typedef float Vector __attribute__((vector_size(lanes * sizeof(float))));

// Twelve chains: an FMA takes about four cycles and a core starts two a cycle, so at least eight
// must be in flight to keep it busy.
constexpr int chains = 12;

double flops_of_one_thread(long iterations) {
  Vector acc[chains], x, y;
  for (int l = 0; l < lanes; ++l) x[l] = 0.999f, y[l] = 0.001f;
  for (auto& a : acc) a = y;
  for (long i = 0; i < iterations; ++i)
    for (auto& a : acc) a = a * x + y;
  float sink = 0;
  for (auto& a : acc) sink += a[0];
  return sink == 12345.f ? 0 : 2.0 * lanes * chains * double(iterations);  // keep the result used
}

int main(int argc, char** argv) try {
  int threads = argc > 1 ? std::stoi(argv[1]) : tapenet::get_num_threads();
  const long iterations = 100'000'000;
  double best = 0;
  for (int round = 0; round < 3; ++round) {
    std::vector<std::thread> team;
    std::vector<double> flops(std::size_t(threads), 0);
    auto start = std::chrono::steady_clock::now();
    for (int t = 0; t < threads; ++t)
      team.emplace_back([&, t] { flops[std::size_t(t)] = flops_of_one_thread(iterations); });
    for (auto& thread : team) thread.join();
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double total = 0;
    for (double f : flops) total += f;
    best = std::max(best, total / seconds / 1e9);
  }
  std::printf("lanes %d\ngflops %.1f\n", lanes, best);
} catch (const std::exception& e) {
  std::fprintf(stderr, "bench_fma_peak: %s\n", e.what());
  return 1;
}
