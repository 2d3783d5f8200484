// A program outside tapenet that includes it the way a user's project does, on the CPU backend and
// on the GPU backend's code run through Thrust's OpenMP system.
#include <tapenet/backend/thrust_omp.hpp>
#include <tapenet/tapenet.hpp>

#include <iostream>

template <tapenet::Backend B>
bool gradient_is_right() {
  using namespace tapenet;
  Var<B> w(Tensor<B>::from({2, 1}, {3, -1}), true);
  auto loss = sum(matmul(Var<B>(Tensor<B>::from({1, 2}, {2, 5})), w));
  loss.backward();
  std::cout << B::name() << ": loss " << loss.item() << " grad " << w.grad() << "\n";
  return loss.item() == 1.0f && w.grad().at({1, 0}) == 5.0f;
}

int main() {
  return gradient_is_right<tapenet::cpu>() && gradient_is_right<tapenet::thrust_omp>() ? 0 : 1;
}
