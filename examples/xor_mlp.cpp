// The smallest network that needs a hidden layer: XOR. Two inputs, eight hidden ReLU units, two
// classes, cross-entropy, plain gradient descent. Everything a training step does, on four points.
//   usage: xor_mlp [cpu|thrust_omp|cuda]   (cuda: compiled by nvcc, on a machine with a GPU)
#include <cstdio>
#include <string>

#include "tapenet/backend/thrust_omp.hpp"
#include "tapenet/tapenet.hpp"

using namespace tapenet;

template <Backend B>
int train() {
  auto inputs = Var<B>(Tensor<B>::from({4, 2}, {0, 0, 0, 1, 1, 0, 1, 1}));
  auto labels = Tensor<B, std::int64_t>::from({4}, {0, 1, 1, 0});

  Generator generator(7);
  Var<B> w1(Tensor<B>::uniform({2, 8}, -1.0f, 1.0f, generator), true);
  Var<B> b1(Tensor<B>::zeros({8}), true);
  Var<B> w2(Tensor<B>::uniform({8, 2}, -1.0f, 1.0f, generator), true);
  Var<B> b2(Tensor<B>::zeros({2}), true);
  const float learning_rate = 0.5f;

  auto forward = [&] { return matmul(relu(matmul(inputs, w1) + b1), w2) + b2; };
  for (int step = 1; step <= 500; ++step) {
    auto loss = cross_entropy(forward(), labels);
    if (step % 100 == 0) std::printf("[step %3d] loss: %.4f\n", step, loss.item());
    loss.backward();
    for (Var<B>* parameter : {&w1, &b1, &w2, &b2})  // p <- p - lr * dloss/dp
      *parameter = Var<B>(parameter->value() - learning_rate * parameter->grad(), true);
  }

  NoGradGuard no_grad;
  auto correct = (argmax(forward().value(), 1) == labels).sum().item();
  std::printf("XOR learned on %s: %d of 4 correct\n", std::string(B::name()).c_str(), int(correct));
  return correct == 4 ? 0 : 1;
}

int main(int argc, char** argv) try {
  std::string backend = argc > 1 ? argv[1] : "cpu";
  if (backend == "cpu") return train<cpu>();
  if (backend == "thrust_omp") return train<thrust_omp>();
  if (backend == "cuda") {
#ifdef __CUDACC__
    if (tapenet::cuda::is_available()) return train<tapenet::cuda>();
    fail("xor_mlp: cuda: this machine has no CUDA device");
#else
    fail("xor_mlp: cuda: this build has no CUDA backend (xor_mlp_cuda, compiled by nvcc, has)");
#endif
  }
  fail("xor_mlp: unknown backend '", backend, "': expected cpu, thrust_omp or cuda");
} catch (const std::exception& error) {
  std::fprintf(stderr, "%s\n", error.what());
  return 1;
}
