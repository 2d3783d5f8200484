// What a ResNet18 training step at the tutorial's batch of 4 asks of a GPU. Each kernel launch
// costs the host a few microseconds whatever the kernel does, and at batch 4 the kernels
// themselves are tinier still, so the step's time on a GPU is about its launch count times that
// cost, plus a round trip for every time the host waits for a result. Counted here on the CPU,
// with the GPU backend's code (thrust_omp) under a backend that tallies what it is asked. These are
// the figures docs/12 quotes and the ones to cut: a change that moves them fails here, and one
// that lowers them updates both.
#include "support/backends.hpp"

using namespace tapenet;

namespace {
struct Tally {
  std::int64_t launches = 0, gemms = 0, waits = 0;
};
Tally tally;

struct counting : thrust_omp {
  template <class Kernel>
  static void for_each(std::int64_t count, Kernel kernel) {
    if (count > 0) ++tally.launches;
    thrust_omp::for_each(count, kernel);
  }
  template <class Kernel>
  static void for_each(std::int64_t count, Kernel kernel, std::int64_t /*work_per_call*/) {
    for_each(count, kernel);
  }
  template <class T>
  static void copy(T* out, const T* in, std::int64_t count) {
    if (count > 0) ++tally.launches;
    thrust_omp::copy(out, in, count);
  }
  template <class T>
  static void download(T* out, const T* in, std::int64_t count) {
    ++tally.waits;  // the host needs the device's result now: it waits for every kernel before
    thrust_omp::download(out, in, count);
  }
  template <class T>
  static T sum(const T* data, std::int64_t count) {  // a kernel, then its result read back
    ++tally.launches, ++tally.waits;
    return thrust_omp::sum(data, count);
  }
  template <class T>
  static void gemm(bool transpose_a, bool transpose_b, std::int64_t m, std::int64_t n,
                   std::int64_t k, T alpha, const T* a, const T* b, T beta, T* c) {
    ++tally.gemms;
    cpu::gemm(transpose_a, transpose_b, m, n, k, alpha, a, b, beta, c);  // the same product, faster
  }
};
static_assert(Backend<counting>);

Tally counted(auto&& work) {
  tally = {};
  work();
  return tally;
}
}  // namespace

TEST_CASE("a ResNet18 training step at batch 4: kernel launches and host waits", "[slow]") {
  auto net = models::resnet18<counting>(10);
  optim::SGD optimizer(net.parameters(), {.lr = 0.001, .momentum = 0.9});
  Generator generator(1);
  auto images = Tensor<cpu>::randn({4, 3, 32, 32}, generator);
  auto labels = Tensor<cpu, std::int64_t>::from({4}, {1, 2, 3, 4});
  for (int step = 0; step < 2; ++step) {  // the first step also creates the momentum buffers
    INFO("step " << step);
    auto inputs = Var<counting>(images.to<counting>());
    auto targets = labels.to<counting>();
    CHECK(counted([&] { optimizer.zero_grad(); }).launches == 0);  // gradients set to none
    Var<counting> outputs, loss;
    auto forward = counted([&] { outputs = net(inputs); });
    // 20 convolutions and the fully connected layer: one GEMM each, over the whole batch
    CHECK(forward.gemms == 21);
    // and one per cropped kernel: layer4's four 3x3 kernels have taps that meet only padding
    CHECK(forward.launches == 108 + 4);
    CHECK(forward.waits == 0);
    auto loss_work = counted([&] { loss = cross_entropy(outputs, targets); });
    CHECK(loss_work.launches == 4);
    // nll_loss reads the labels back to check their range, and sums on the host
    CHECK(loss_work.waits == 2);
    auto backward = counted([&] { loss.backward(); });
    CHECK(backward.gemms == 41);  // two per convolution (but the first's input gradient) and fc
    // and two per cropped kernel: zero its full-size gradient, put the kept taps' back
    CHECK(backward.launches == 130 + 2 * 4);
    CHECK(backward.waits == 0);
    auto update = counted([&] { optimizer.step(); });
    CHECK(update.launches == std::int64_t(net.parameters().size()));  // one per parameter: 62
    CHECK(update.waits == 0);
    CHECK(counted([&] { (void)loss.item(); }).waits == 1);
  }
}
