// The Thrust backend against the Eigen backend, kernel by kernel, on the same random inputs.
#include <map>

#include "support/backends.hpp"

using namespace tapenet;
using tapenet::testing::require_close;

namespace {
// Which element of an operand of shape `operand` feeds element i of a broadcast result of shape
// `out`: the broadcasting rule, computed directly on the host as a reference for the kernels.
std::int64_t broadcast_source(const Shape& out, const Shape& operand, std::int64_t i) {
  auto strides = out.strides();
  std::int64_t index = 0;
  for (int d = 0; d < out.rank(); ++d) {
    std::int64_t coordinate = i / strides[d] % out[d];
    int od = d - (out.rank() - operand.rank());
    if (od >= 0) index = index * operand[od] + (operand[od] == 1 ? 0 : coordinate);
  }
  return index;
}

template <class T = float>
Tensor<cpu, T> random(Shape shape, std::uint64_t seed) {
  Generator generator(seed);
  return Tensor<cpu, T>::randn(std::move(shape), generator);
}
}  // namespace

TEST_CASE("gemm agrees between backends for every transpose and beta", "[fast]") {
  const std::int64_t m = 37, n = 29, k = 53;
  for (bool ta : {false, true}) {
    for (bool tb : {false, true}) {
      for (float beta : {0.0f, 0.5f}) {
        INFO("transpose_a=" << ta << " transpose_b=" << tb << " beta=" << beta);
        auto a = random(ta ? Shape{k, m} : Shape{m, k}, 1);
        auto b = random(tb ? Shape{n, k} : Shape{k, n}, 2);
        auto c = random({m, n}, 3);
        auto a2 = a.to<thrust_omp>(), b2 = b.to<thrust_omp>(), c2 = c.to<thrust_omp>();
        cpu::gemm(ta, tb, m, n, k, 1.5f, a.data(), b.data(), beta, c.data());
        thrust_omp::gemm(ta, tb, m, n, k, 1.5f, a2.data(), b2.data(), beta, c2.data());
        require_close(c2, c, 1e-4, 1e-4);

        // and both against a plain triple loop
        auto av = a.to_vector(), bv = b.to_vector(), c0 = random({m, n}, 3).to_vector();
        auto result = c.to_vector();
        for (std::int64_t i = 0; i < m; ++i)
          for (std::int64_t j = 0; j < n; ++j) {
            double total = 0;
            for (std::int64_t p = 0; p < k; ++p)
              total += double(av[ta ? p * m + i : i * k + p]) * bv[tb ? j * k + p : p * n + j];
            REQUIRE(result[i * n + j] == Approx(1.5 * total + beta * c0[i * n + j]).margin(1e-3));
          }
      }
    }
  }
}

TEST_CASE("gemm is parallel and correct on a large matrix", "[fast]") {
  auto a = random({300, 200}, 4), b = random({200, 250}, 5);
  auto expected = kernels::matmul(a, b);
  auto actual = kernels::matmul(a.to<thrust_omp>(), b.to<thrust_omp>());
  require_close(actual, expected, 1e-4, 1e-4);
}

TEST_CASE("sum agrees between backends, small and over the parallel grain", "[fast]") {
  for (std::int64_t count : {0, 1, 7, 1000, 100003}) {
    auto x = random<double>({count}, 6);
    double expected = 0;
    for (double v : x.to_vector()) expected += v;
    CHECK(cpu::sum(x.data(), count) == Approx(expected).margin(1e-9));
    CHECK(thrust_omp::sum(x.to<thrust_omp>().data(), count) == Approx(expected).margin(1e-9));
  }
}

TEST_CASE("elementwise kernels with broadcasting agree between backends", "[fast]") {
  std::vector<std::pair<Shape, Shape>> cases = {
      {{4, 5}, {4, 5}}, {{4, 5}, {5}}, {{3, 1}, {1, 4}}, {{2, 3, 4, 4}, {3, 1, 1}}, {{}, {2, 2}}};
  for (auto& [sa, sb] : cases) {
    INFO(sa << " with " << sb);
    auto a = random(sa, 7), b = random(sb, 8);
    auto expected = kernels::zip(a, b, kernels::Mul{});
    require_close(kernels::zip(a.to<thrust_omp>(), b.to<thrust_omp>(), kernels::Mul{}), expected);
    // and by hand, through the broadcasting rule
    auto out = expected.to_vector();
    auto av = a.to_vector(), bv = b.to_vector();
    Shape so = broadcast_shapes(sa, sb);
    for (std::int64_t i = 0; i < so.numel(); ++i)
      REQUIRE(out[i] == av[broadcast_source(so, sa, i)] * bv[broadcast_source(so, sb, i)]);
    require_close(sum_to(expected.to<thrust_omp>(), sb), sum_to(expected, sb));
  }
}

TEST_CASE("sum_to reverses broadcasting", "[fast]") {
  auto x = Tensor<cpu>::from({2, 3}, {1, 2, 3, 4, 5, 6});
  CHECK(sum_to(x, {3}).to_vector() == std::vector<float>{5, 7, 9});
  CHECK(sum_to(x, {2, 1}).to_vector() == std::vector<float>{6, 15});
  CHECK(sum_to(x, {}).to_vector() == std::vector<float>{21});
  CHECK(sum_to(x.to<thrust_omp>(), {1, 3}).to_vector() == std::vector<float>{5, 7, 9});
  CHECK_THROWS_WITH(sum_to(x, {2}), Catch::Contains("[2]") && Catch::Contains("[2, 3]"));
}

TEST_CASE("log_softmax kernels agree between backends along any dimension", "[fast]") {
  auto x = random({3, 4, 5}, 9);
  for (int dim : {0, 1, 2}) {
    auto y = kernels::log_softmax(x, dim);
    require_close(kernels::log_softmax(x.to<thrust_omp>(), dim), y);
    auto g = random({3, 4, 5}, 10);
    require_close(kernels::log_softmax_backward(y.to<thrust_omp>(), g.to<thrust_omp>(), dim),
                  kernels::log_softmax_backward(y, g, dim));
  }
}

TEST_CASE("log_softmax stays finite for huge logits", "[fast]") {
  auto x = Tensor<cpu>::from({1, 3}, {1000.0f, 0.0f, -1000.0f});
  auto y = kernels::log_softmax(x, 1).to_vector();
  CHECK(y[0] == Approx(0.0f));
  CHECK(y[1] == Approx(-1000.0f));
  CHECK(std::isfinite(y[2]));
}

TEST_CASE("random broadcast shapes: zip, sum_to and log_softmax agree between backends", "[fast]") {
  Generator generator(2024);
  auto draw = [&](int limit) { return static_cast<std::int64_t>(generator.next_u32() % limit); };
  for (int trial = 0; trial < 200; ++trial) {
    int rank = static_cast<int>(draw(5)) + 1;
    std::vector<std::int64_t> out_dims, a_dims, b_dims;
    for (int d = 0; d < rank; ++d) out_dims.push_back(draw(4) + 1);
    // each operand drops some leading dimensions and turns some sizes into 1
    int a_skip = static_cast<int>(draw(rank)), b_skip = static_cast<int>(draw(rank));
    for (int d = a_skip; d < rank; ++d) a_dims.push_back(draw(3) == 0 ? 1 : out_dims[d]);
    for (int d = b_skip; d < rank; ++d) b_dims.push_back(draw(3) == 0 ? 1 : out_dims[d]);
    Shape sa(a_dims), sb(b_dims);
    INFO("trial " << trial << ": " << sa << " with " << sb);
    auto a = Tensor<cpu>::randn(sa, generator), b = Tensor<cpu>::randn(sb, generator);
    auto expected = kernels::zip(a, b, kernels::Sub{});
    auto actual = kernels::zip(a.to<thrust_omp>(), b.to<thrust_omp>(), kernels::Sub{});
    require_close(actual, expected);
    auto summed = sum_to(expected, sb);
    require_close(sum_to(actual, sb), summed, 1e-5, 1e-5);
    std::vector<double> reference(static_cast<std::size_t>(sb.numel()), 0.0);
    auto values = expected.to_vector();
    for (std::int64_t i = 0; i < expected.numel(); ++i)
      reference[broadcast_source(expected.shape(), sb, i)] += values[i];
    require_close(summed, Tensor<cpu, double>::from(sb, reference), 1e-5, 1e-5);
    int dim = static_cast<int>(draw(expected.dim()));
    require_close(kernels::log_softmax(actual, dim), kernels::log_softmax(expected, dim));
  }
}

TEST_CASE("the CPU backend reuses freed blocks of the same size, and empty_cache frees them",
          "[fast]") {
  if (!detail::BlockCache<detail::HostMemory>::enabled) return;  // ASan builds cache nothing
  cpu::empty_cache();
  const float* first_address = nullptr;
  {
    auto big = Tensor<cpu>::zeros({64, 1024});  // 256 KiB: cached when freed
    first_address = big.data();
  }
  CHECK(cpu::cached_bytes() == 64 * 1024 * sizeof(float));
  auto again = Tensor<cpu>::ones({1024, 64});  // same size: the same block comes back
  CHECK(again.data() == first_address);
  CHECK(cpu::cached_bytes() == 0);
  CHECK(again.to_vector() == std::vector<float>(64 * 1024, 1.0f));
  { auto small = Tensor<cpu>::zeros({16}); }  // below 16 KiB: straight back to malloc
  CHECK(cpu::cached_bytes() == 0);
  { auto other = Tensor<cpu>::zeros({3, 1024, 64}); }
  CHECK(cpu::cached_bytes() == 3 * 64 * 1024 * sizeof(float));
  cpu::empty_cache();
  CHECK(cpu::cached_bytes() == 0);
}

namespace {
// Memory with room for 1 MiB in all, counting what it hands out, so that the block cache's
// bookkeeping and its "empty the cache, then try again" path (what a full GPU needs) show.
struct SmallMemory {
  static constexpr std::size_t alignment = 512, capacity = 1 << 20;
  static inline std::map<void*, std::size_t> held;
  static inline int obtained = 0;
  static std::size_t held_bytes() {
    std::size_t total = 0;
    for (auto& [block, bytes] : held) total += bytes;
    return total;
  }
  static void* obtain(std::size_t bytes) {
    if (held_bytes() + bytes > capacity) return nullptr;
    void* block = std::malloc(bytes);
    held[block] = bytes;
    ++obtained;
    return block;
  }
  static void release(void* block) {
    held.erase(block);
    std::free(block);
  }
  [[noreturn]] static void out_of_memory(std::size_t bytes) {
    fail("out of memory: ", bytes, " bytes");
  }
};
}  // namespace

TEST_CASE("the block cache rounds sizes, reuses blocks, empties itself when memory runs out",
          "[fast]") {
  using Cache = detail::BlockCache<SmallMemory>;
  if (!Cache::enabled) return;
  Cache& cache = Cache::instance();
  { auto a = cache.allocate<float>(100000); }  // 400,000 bytes, rounded up to 400,384
  CHECK(cache.cached_bytes() == 400384);
  { auto again = cache.allocate<float>(100000); }
  CHECK(SmallMemory::obtained == 1);
  {
    auto b = cache.allocate<float>(175000);  // 700,416 bytes: only fits once the cache is emptied
    CHECK(SmallMemory::obtained == 2);
    CHECK(cache.cached_bytes() == 0);
    CHECK(SmallMemory::held_bytes() == 700416);
    CHECK_THROWS_WITH(cache.allocate<float>(100000), "out of memory: 400384 bytes");
  }
  CHECK(cache.peak_reserved_bytes() == 700416);
  cache.clear();
  CHECK(SmallMemory::held.empty());
}

// A call of Im2ColKernel owns one row of the column matrix, a call of Col2ImKernel one plane of
// the image: on a parallel backend, a write anywhere else races with another call. Each call runs
// alone here and must leave everything outside its own part as it was.
TEST_CASE("im2col and col2im calls write only their own row or plane", "[fast]") {
  // N, C, H, W, kernel, stride, padding and dilation (h and w): the first is the stride-1
  // "same width" path with kernel rows that sit further inside the padding than the output is
  // tall (their zeros once ran into the next row); then strides, dilation, a kernel wider than x
  std::vector<kernels::ConvGeometry> sweeps{{2, 2, 1, 3, 3, 3, 1, 1, 2, 1, 2, 1},
                                            {2, 2, 5, 4, 3, 3, 1, 1, 1, 1, 1, 1},
                                            {1, 2, 6, 5, 3, 2, 2, 3, 2, 1, 2, 2},
                                            {3, 1, 2, 2, 5, 5, 1, 1, 3, 3, 1, 1}};
  for (const auto& g : sweeps) {
    INFO("input " << g.height << "x" << g.width << ", kernel " << g.kernel_h << "x" << g.kernel_w);
    std::int64_t columns = g.column_count(), plane = g.height * g.width;
    std::vector<float> image(std::size_t(g.batch * g.channels * plane), 1.0f);
    std::vector<float> matrix(std::size_t(g.patch_size() * columns), 1.0f);
    std::int64_t stray_writes = 0;
    for (std::int64_t row = 0; row < g.patch_size(); ++row) {
      std::vector<float> out(matrix.size(), -1.0f);
      kernels::Im2ColKernel<float>{image.data(), out.data(), g}(row);
      for (std::int64_t i = 0; i < std::int64_t(out.size()); ++i)
        stray_writes += i / columns != row && out[std::size_t(i)] != -1.0f;
    }
    for (std::int64_t p = 0; p < g.batch * g.channels; ++p) {
      std::vector<float> out(image.size(), -1.0f);
      kernels::Col2ImKernel<float>{matrix.data(), out.data(), g}(p);
      for (std::int64_t i = 0; i < std::int64_t(out.size()); ++i)
        stray_writes += i / plane != p && out[std::size_t(i)] != -1.0f;
    }
    CHECK(stray_writes == 0);
  }
}
