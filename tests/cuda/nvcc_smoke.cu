// Proof that the headers are nvcc-clean: the whole library plus the CUDA backend in one .cu file.
// With a GPU it also trains a small step on the device and compares with the CPU backend;
// without one it says so and exits 77, which CTest reports as skipped.
#include <cmath>
#include <cstdio>

#include "tapenet/backend/cuda.hpp"
#include "tapenet/tapenet.hpp"

// Not `using namespace tapenet`: CUDA has a global namespace cuda, which would clash with
// tapenet::cuda.
using tapenet::cpu, tapenet::Generator, tapenet::Tensor, tapenet::Var;

template <class B>
std::vector<float> gradient_of_a_small_network() {
  Generator generator(5);
  Var<B> x(Tensor<B>::randn({8, 6}, generator));
  Var<B> w(Tensor<B>::randn({6, 4}, generator), true);
  Var<B> b(Tensor<B>::randn({4}, generator), true);
  auto target = Tensor<B, std::int64_t>::from({8}, {0, 1, 2, 3, 3, 2, 1, 0});
  cross_entropy(relu(matmul(x, w) + b), target).backward();
  return w.grad().to_vector();
}

int main() {
  if (!tapenet::cuda::is_available()) {
    std::printf("nvcc_smoke: no CUDA device here; compiled fine, nothing to run\n");
    return 77;
  }
  auto on_gpu = gradient_of_a_small_network<tapenet::cuda>();
  auto on_cpu = gradient_of_a_small_network<cpu>();
  for (std::size_t i = 0; i < on_cpu.size(); ++i) {
    if (std::abs(on_gpu[i] - on_cpu[i]) > 1e-4f + 1e-3f * std::abs(on_cpu[i])) {
      std::printf("nvcc_smoke: gradient %zu differs: gpu %g, cpu %g\n", i, on_gpu[i], on_cpu[i]);
      return 1;
    }
  }
  std::printf("nvcc_smoke: GPU and CPU gradients agree\n");
  return 0;
}
