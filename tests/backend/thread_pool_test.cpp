// The CPU backend's thread pool (backend/thread_pool.hpp), the measure of free cores that sizes it
// (backend/free_cores.hpp), and the GEMM it splits into blocks.
#include <atomic>
#include <catch2/catch.hpp>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

#include "tapenet/tensor.hpp"

using namespace tapenet;

namespace {

// Runs `jobs` jobs of 1 to 7 chunks on `pool`; true if every chunk of every job ran exactly once.
bool every_chunk_runs_once(detail::ThreadPool& pool, int jobs) {
  for (int job = 0; job < jobs; ++job) {
    std::int64_t chunks = 1 + job % 7;
    std::vector<std::atomic<int>> runs(static_cast<std::size_t>(chunks));
    pool.run(chunks, [&](std::int64_t chunk) { runs[std::size_t(chunk)].fetch_add(1); });
    for (auto& count : runs)
      if (count.load() != 1) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("the thread pool runs every chunk of every job once", "[fast]") {
  for (int threads : {1, 2, 3, 5}) {
    detail::ThreadPool pool(threads);
    pool.pin(threads);
    CHECK(pool.threads() == threads);
    CHECK(every_chunk_runs_once(pool, 3000));
  }
}

TEST_CASE("two threads of a program can post jobs to one pool at once", "[fast]") {
  detail::ThreadPool pool(3);
  pool.pin(3);
  bool first = false, second = false;
  std::thread other([&] { second = every_chunk_runs_once(pool, 2000); });
  first = every_chunk_runs_once(pool, 2000);
  other.join();
  CHECK(first);
  CHECK(second);
}

TEST_CASE("a chunk that posts a job of its own runs it in place", "[fast]") {
  detail::ThreadPool pool(2);
  pool.pin(2);
  std::atomic<int> inner{0};
  pool.run(4, [&](std::int64_t) { pool.run(3, [&](std::int64_t) { inner.fetch_add(1); }); });
  CHECK(inner.load() == 12);
}

TEST_CASE("free cores: what other programs leave, rounded, and never fewer than one", "[fast]") {
  using detail::FreeCores;
  CHECK(FreeCores::free_of(2, 0.0) == 2);
  CHECK(FreeCores::free_of(2, 0.4) == 2);   // a browser's occasional work
  CHECK(FreeCores::free_of(2, 0.67) == 1);  // a busy loop sharing with our two threads
  CHECK(FreeCores::free_of(2, 1.0) == 1);
  CHECK(FreeCores::free_of(2, 2.0) == 1);
  CHECK(FreeCores::free_of(16, 1.0) == 15);
}

#if defined(__linux__)
TEST_CASE("free cores: /proc/stat's busy ticks, for this process's cores only", "[fast]") {
  // user nice system idle iowait irq softirq steal
  std::istringstream stat(
      "cpu  1000 500 300 9000 10 0 20 5 0 0\n"
      "cpu0 100 200 30 4000 5 1 2 3 0 0\n"
      "cpu1 900 300 270 5000 5 0 18 2 0 0\n"
      "intr 12345 0 0\n");
  cpu_set_t only_core0;
  CPU_ZERO(&only_core0);
  CPU_SET(0, &only_core0);
  // user + system + irq + softirq + steal of cpu0: its nice, idle and iowait do not count
  CHECK(detail::FreeCores::busy_ticks(stat, only_core0) == 100 + 30 + 1 + 2 + 3);
}
#endif

TEST_CASE("cpu::gemm cut into column, row or k blocks equals a plain product", "[fast]") {
  int saved = get_num_threads();
  set_num_threads(2);
  std::mt19937 random(7);
  std::uniform_real_distribution<float> uniform(-1, 1);
  struct Size {
    std::int64_t m, n, k;
  };
  // columns (n >= m), rows (m > n), and k >= 8 max(m, n): each big enough to be cut
  for (Size s : {Size{8, 2048, 64}, Size{2048, 8, 64}, Size{16, 16, 4096}}) {
    for (bool ta : {false, true}) {
      for (bool tb : {false, true}) {
        std::vector<float> a(std::size_t(s.m * s.k)), b(std::size_t(s.k * s.n));
        std::vector<float> c(std::size_t(s.m * s.n), 1.0f);
        for (auto& v : a) v = uniform(random);
        for (auto& v : b) v = uniform(random);
        cpu::gemm(ta, tb, s.m, s.n, s.k, 2.0f, a.data(), b.data(), 0.5f, c.data());
        for (std::int64_t i = 0; i < s.m; ++i) {
          for (std::int64_t j = 0; j < s.n; ++j) {
            double expected = 0;
            for (std::int64_t p = 0; p < s.k; ++p)
              expected += double(ta ? a[std::size_t(p * s.m + i)] : a[std::size_t(i * s.k + p)]) *
                          double(tb ? b[std::size_t(j * s.k + p)] : b[std::size_t(p * s.n + j)]);
            CHECK_THAT(c[std::size_t(i * s.n + j)], Catch::WithinAbs(2.0 * expected + 0.5, 2e-3));
          }
        }
      }
    }
  }
  set_num_threads(saved);
}
